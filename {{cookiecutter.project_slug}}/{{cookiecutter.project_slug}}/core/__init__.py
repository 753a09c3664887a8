"""Infrastructure shared by the features: logging, metrics, errors, security headers, the
database's types, the API's foundations{{ ", Celery" if cookiecutter.worker == "celery" }}. It imports no feature."""
