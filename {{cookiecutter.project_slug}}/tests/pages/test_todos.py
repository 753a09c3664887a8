"""The todo pages: list, add with an attachment, edit, toggle, delete; their layout."""

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.todos.attachments import human_size
from {{ cookiecutter.project_slug }}.todos.models import Todo
from {{ cookiecutter.project_slug }}.users.models import create_user

from .conftest import csrf_token, css_rules


def add(client: FlaskClient, title: str, attachment: tuple[bytes, str] | None = None):
    """Post the add-todo form, optionally with a file (content, name)."""
    data = {"title": title, "csrf_token": csrf_token(client, "/todos/")}
    if attachment:
        data["attachment"] = (io.BytesIO(attachment[0]), attachment[1])
    return client.post("/todos/", data=data, content_type="multipart/form-data")


def todos(app: Flask) -> list[Todo]:
    """Every todo in the database, by id."""
    with app.app_context():
        return list(db.session.scalars(select(Todo).order_by(Todo.id)))


def test_add_and_list(logged_in: FlaskClient, app: Flask) -> None:
    response = add(logged_in, "Buy milk")
    assert response.status_code == 302
    page = logged_in.get("/todos/").get_data(as_text=True)
    assert "Buy milk" in page
    assert "1 open · 0 done" in page


def test_add_validates_the_title(logged_in: FlaskClient, app: Flask) -> None:
    response = add(logged_in, "")
    assert response.status_code == 200
    assert b"This field is required." in response.data
    assert todos(app) == []


def test_a_title_the_database_cannot_store_gets_the_422_page(logged_in: FlaskClient) -> None:
    response = add(logged_in, "a\x00b")
    assert (response.status_code, response.mimetype) == (422, "text/html")
    assert b"text must not contain NUL" in response.data


def test_attachment_round_trip(logged_in: FlaskClient, app: Flask) -> None:
    add(logged_in, "Read report", (b"%PDF-1.7 fake report", "../report 2026.pdf"))
    [todo] = todos(app)
    assert todo.attachment_name == "report_2026.pdf"
    assert todo.attachment_size == len(b"%PDF-1.7 fake report")
    response = logged_in.get(f"/todos/{todo.id}/attachment")
    assert response.status_code == 200
    assert response.data == b"%PDF-1.7 fake report"
    assert "attachment; filename=report_2026.pdf" in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("size", "text"),
    [(100, "100 bytes"), (1024, "1 KiB"), (1536, "1.5 KiB"), (1024 * 1024, "1 MiB")],
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text


def test_the_form_names_the_upload_limit(logged_in: FlaskClient, app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    assert "up to 2 MiB." in logged_in.get("/todos/").get_data(as_text=True)


@pytest.mark.parametrize("page", ["/todos/", "/todos/{id}/edit"])
def test_upload_over_the_limit_goes_back_to_the_form(
    logged_in: FlaskClient, app: Flask, page: str
) -> None:
    add(logged_in, "Draft")
    [todo] = todos(app)
    page = page.format(id=todo.id)
    token = csrf_token(logged_in, page)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    data = {"title": "Too big", "csrf_token": token, "attachment": (io.BytesIO(b"x" * 2048), "a")}
    response = logged_in.post(page, data=data, headers={"Referer": f"http://localhost{page}"})
    assert (response.status_code, response.headers["Location"]) == (302, f"http://localhost{page}")
    shown = logged_in.get(page).get_data(as_text=True)
    assert "The file is too large: attachments can be up to 1 KiB." in shown
    assert 'value="Too big"' in shown
    assert [(todo.title, todo.attachment_name) for todo in todos(app)] == [("Draft", None)]


def test_a_kept_title_is_shown_by_its_own_form_only(logged_in: FlaskClient, app: Flask) -> None:
    add(logged_in, "First")
    add(logged_in, "Second")
    first, second = todos(app)
    page = f"/todos/{first.id}/edit"
    token = csrf_token(logged_in, page)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    data = {"title": "Too big", "csrf_token": token, "attachment": (io.BytesIO(b"x" * 2048), "a")}
    assert logged_in.post(page, data=data).status_code == 302
    # Another todo's form loads first (another tab, say): it keeps its own title.
    other = logged_in.get(f"/todos/{second.id}/edit").get_data(as_text=True)
    assert 'value="Second"' in other and "Too big" not in other
    assert 'value="First"' in logged_in.get(page).get_data(as_text=True)
    assert "Too big" not in logged_in.get("/todos/").get_data(as_text=True)


def test_edit_toggle_delete(logged_in: FlaskClient, app: Flask) -> None:
    add(logged_in, "Draft")
    [todo] = todos(app)
    token = csrf_token(logged_in, "/todos/")
    response = logged_in.post(
        f"/todos/{todo.id}/edit", data={"title": "Final", "done": "y", "csrf_token": token}
    )
    assert response.status_code == 302
    [todo] = todos(app)
    assert (todo.title, todo.done) == ("Final", True)

    logged_in.post(f"/todos/{todo.id}/toggle", data={"csrf_token": token})
    assert todos(app)[0].done is False

    logged_in.post(f"/todos/{todo.id}/delete", data={"csrf_token": token})
    assert todos(app) == []


def test_the_list_shows_a_page_at_a_time(logged_in: FlaskClient, app: Flask) -> None:
    add(logged_in, "todo 0")
    [first] = todos(app)
    with app.app_context():
        db.session.add_all(Todo(user_id=first.user_id, title=f"todo {n}") for n in range(1, 51))
        db.session.commit()
    page = logged_in.get("/todos/").get_data(as_text=True)
    assert "todo 49<" in page and "todo 50<" not in page
    [next_page] = re.findall(r'<a href="([^"]+)">Next page</a>', page)
    page = logged_in.get(next_page.replace("&amp;", "&")).get_data(as_text=True)
    assert "todo 50<" in page and "todo 49<" not in page
    assert "Next page" not in page
    assert logged_in.get("/todos/?after=-1").status_code == 400


def test_other_users_todos_are_404(logged_in: FlaskClient, app: Flask) -> None:
    with app.app_context():
        bob = create_user("bob", "bobs password")
        db.session.add(Todo(user_id=bob.id, title="Bob's secret"))
        db.session.commit()
    [todo] = todos(app)
    assert "Bob's secret" not in logged_in.get("/todos/").get_data(as_text=True)
    assert logged_in.get(f"/todos/{todo.id}/edit").status_code == 404
    assert logged_in.get(f"/todos/{todo.id}/attachment").status_code == 404
    token = csrf_token(logged_in, "/todos/")
    response = logged_in.post(f"/todos/{todo.id}/delete", data={"csrf_token": token})
    assert response.status_code == 404
    assert len(todos(app)) == 1


def test_a_long_unbroken_title_wraps_within_the_page(logged_in: FlaskClient) -> None:
    add(logged_in, "x" * 120)
    page = logged_in.get("/todos/").get_data(as_text=True)
    assert f'<span class="title">{"x" * 120}</span>' in page
    rules = css_rules(logged_in)
    # The word breaks anywhere rather than widening the column; the row's title may shrink
    # below that word's width (a flex item's minimum is its content), and the row's
    # controls wrap to a second line rather than squeeze it.
    assert rules["main"]["overflow-wrap"] == "anywhere"
    assert rules[".todos li .title"]["min-width"] == "0"
    assert rules[".todos li"]["flex-wrap"] == "wrap"
    # A form's column is the card's width, not its widest field's (the file input's).
    assert rules[".card"]["grid-template-columns"] == "minmax(0, 1fr)"
    assert rules["label"]["grid-template-columns"] == "minmax(0, 1fr)"


def test_row_controls_are_big_enough_to_tap(logged_in: FlaskClient, app: Flask) -> None:
    add(logged_in, "Report", (b"data", "report.txt"))
    [todo] = todos(app)
    page = logged_in.get("/todos/").get_data(as_text=True)
    controls = re.findall(r'<(?:a|button) class="([^"]*)"[^>]*>\s*([^<]+?)\s*</', page)
    assert {text for classes, text in controls if "action" in classes.split()} == {
        "☐",
        "report.txt",
        "Edit",
        "Delete",
    }
    assert f'href="/todos/{todo.id}/edit"' in page
    action = css_rules(logged_in)[".action"]
    assert (action["min-width"], action["min-height"]) == ("44px", "44px")


def test_header_links_are_big_enough_to_tap(logged_in: FlaskClient) -> None:
    page = logged_in.get("/todos/").get_data(as_text=True)
    header = page.partition("<header")[2].partition("</header>")[0]
    assert re.findall(r"<a [^>]*>([^<]+)</a>", header)[1:] == ["Todos"]
    link = css_rules(logged_in)[".site-header a"]
    assert (link["min-height"], link["display"]) == ("44px", "inline-flex")


def test_the_file_input_is_styled_like_the_form(logged_in: FlaskClient) -> None:
    assert 'type="file"' in logged_in.get("/todos/").get_data(as_text=True)
    rules = css_rules(logged_in)
    field = rules["input[type=file]"]
    assert field["border-radius"] == rules["input[type=text]"]["border-radius"]
    button = rules["input[type=file]::file-selector-button"]
    assert button["color"] == button["border"].split()[-1] == "var(--accent)"
    assert button["min-height"] == "44px"


def test_edit_removes_the_attachment(logged_in: FlaskClient, app: Flask) -> None:
    add(logged_in, "Report", (b"data", "report.txt"))
    [todo] = todos(app)
    page = logged_in.get(f"/todos/{todo.id}/edit").get_data(as_text=True)
    assert 'name="remove_attachment"' in page
    data = {"title": "Report", "remove_attachment": "y", "csrf_token": csrf_token(logged_in)}
    response = logged_in.post(f"/todos/{todo.id}/edit", data=data)
    assert response.status_code == 302
    [todo] = todos(app)
    assert (todo.attachment_name, todo.attachment_size) == (None, None)
    assert logged_in.get(f"/todos/{todo.id}/attachment").status_code == 404
    assert 'name="remove_attachment"' not in logged_in.get(f"/todos/{todo.id}/edit").get_data(
        as_text=True
    )


def test_edit_without_a_file_keeps_the_attachment(logged_in: FlaskClient, app: Flask) -> None:
    add(logged_in, "Report", (b"data", "report.txt"))
    [todo] = todos(app)
    data = {"title": "Final report", "csrf_token": csrf_token(logged_in)}
    response = logged_in.post(f"/todos/{todo.id}/edit", data=data)
    assert response.status_code == 302
    [todo] = todos(app)
    assert (todo.title, todo.attachment_name) == ("Final report", "report.txt")


def test_edit_without_a_token_changes_nothing(logged_in: FlaskClient, app: Flask) -> None:
    add(logged_in, "Report", (b"data", "report.txt"))
    [todo] = todos(app)
    logged_in.post(f"/todos/{todo.id}/edit", data={"title": "Report", "remove_attachment": "y"})
    assert todos(app)[0].attachment_name == "report.txt"
