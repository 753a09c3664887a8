import pytest
from conftest import PASSWORD


def test_health(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_register_then_token(client):
    response = client.post("/users", json={"username": "bob", "password": PASSWORD})
    assert response.status_code == 201
    token = client.post("/tokens", auth=("bob", PASSWORD)).get_json()["token"]
    assert token == response.get_json()["token"]


@pytest.mark.parametrize(
    "body",
    [{}, {"username": "bob"}, {"password": PASSWORD}, {"username": "", "password": PASSWORD},
     {"username": 1, "password": PASSWORD}, {"username": "bob", "password": "short"},
     {"username": "bob", "password": 12345678}, [], "text", None],
)  # fmt: skip
def test_register_refuses_bad_bodies(client, body):
    assert client.post("/users", json=body).status_code == 422


def test_register_refuses_a_taken_name(client, token):
    assert (
        client.post("/users", json={"username": "alice", "password": PASSWORD}).status_code == 409
    )


@pytest.mark.parametrize("auth", [None, ("alice", "wrong"), ("nobody", PASSWORD)])
def test_token_refuses_bad_credentials(client, token, auth):
    assert client.post("/tokens", auth=auth).status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong", "Basic abc", "a" * 64])
def test_todos_need_a_token(client, token, header):
    headers = {"Authorization": header} if header else {}
    assert client.get("/todos", headers=headers).status_code == 401


def test_create_read_list(client, auth):
    created = client.post("/todos", json={"title": " milk "}, headers=auth)
    assert created.status_code == 201
    todo = created.get_json()
    assert todo["title"] == "milk" and todo["done"] is False
    assert client.get(f"/todos/{todo['id']}", headers=auth).get_json() == todo
    assert client.get("/todos", headers=auth).get_json() == {"items": [todo]}


@pytest.mark.parametrize(
    "body", [{}, {"title": ""}, {"title": "   "}, {"title": 3}, {"title": "x" * 201},
             {"title": None}, [], "milk", None]
)  # fmt: skip
def test_create_refuses_bad_titles(client, auth, body):
    assert client.post("/todos", json=body, headers=auth).status_code == 422


@pytest.mark.parametrize("count", [0, 1, 5, 20])
def test_list_in_creation_order(client, auth, count):
    titles = [f"todo {number}" for number in range(count)]
    for title in titles:
        client.post("/todos", json={"title": title}, headers=auth)
    items = client.get("/todos", headers=auth).get_json()["items"]
    assert [item["title"] for item in items] == titles


@pytest.mark.parametrize(
    "change", [{"done": True}, {"title": "eggs"}, {"title": "eggs", "done": True}, {}]
)
def test_update(client, auth, change):
    todo = client.post("/todos", json={"title": "milk"}, headers=auth).get_json()
    updated = client.patch(f"/todos/{todo['id']}", json=change, headers=auth).get_json()
    assert updated == {**todo, **change}


@pytest.mark.parametrize("change", [{"done": "yes"}, {"done": 1}, {"title": ""}, [], None])
def test_update_refuses_bad_values(client, auth, change):
    todo = client.post("/todos", json={"title": "milk"}, headers=auth).get_json()
    assert client.patch(f"/todos/{todo['id']}", json=change, headers=auth).status_code == 422


def test_delete(client, auth):
    todo = client.post("/todos", json={"title": "milk"}, headers=auth).get_json()
    assert client.delete(f"/todos/{todo['id']}", headers=auth).status_code == 204
    assert client.get(f"/todos/{todo['id']}", headers=auth).status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_someone_elses_todo_is_not_found(client, auth, method):
    todo = client.post("/todos", json={"title": "milk"}, headers=auth).get_json()
    other = client.post("/users", json={"username": "bob", "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {other['token']}"}
    response = getattr(client, method)(f"/todos/{todo['id']}", json={}, headers=headers)
    assert response.status_code == 404


@pytest.mark.parametrize("todo_id", [0, 999999])
def test_missing_todo_is_not_found(client, auth, todo_id):
    assert client.get(f"/todos/{todo_id}", headers=auth).status_code == 404
