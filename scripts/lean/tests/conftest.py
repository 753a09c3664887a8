import pytest
from app import User, create_app, db
from werkzeug.security import generate_password_hash

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def app():
    app = create_app(password_hash_method="pbkdf2:sha256:1")  # fast in tests
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def empty_tables(app):
    """Each test starts on empty tables."""
    yield
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def token(app):
    password_hash = generate_password_hash(PASSWORD, "pbkdf2:sha256:1")
    with app.app_context():
        db.session.add(User(username="alice", token="a" * 64, password_hash=password_hash))
        db.session.commit()
    return "a" * 64


@pytest.fixture
def auth(token):
    return {"Authorization": f"Bearer {token}"}
