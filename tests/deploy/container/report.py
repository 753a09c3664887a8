"""The image tests' part of the run's terminal summary: the base image's import, each
image's build time and size, and the seconds of each check."""


def write_summary(terminalreporter) -> None:
    """List what the image tests recorded (``record_property`` of ``container_image``
    and ``container_steps``, which reach the controller from xdist workers as the
    reports' ``user_properties``); nothing when no image test ran."""
    images: dict[str, dict] = {}
    checks = []
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            properties = dict(getattr(report, "user_properties", []))
            if getattr(report, "when", None) != "call" or "container_image" not in properties:
                continue
            image = properties["container_image"]
            images[image["variant"]] = image
            if "container_steps" in properties:
                test = report.nodeid.split("::")[-1].split("[")[0]
                checks.append((image["variant"], test, outcome, properties["container_steps"]))
    if not images:
        return
    writer = terminalreporter
    writer.write_sep("=", f"container images: {len(images)}")
    imports = {image["base_import"] for image in images.values()} - {None}
    writer.write_line(
        f"base image stand-in: imported in {max(imports)} s"
        if imports
        else "base image stand-in: imported by an earlier run"
    )
    width = max(len(name) for name in images)
    writer.write_line(f"{'variant'.ljust(width)}  build s  image MB")
    for name, image in sorted(images.items()):
        writer.write_line(f"{name.ljust(width)}  {image['seconds']:>7}  {image['size_mb']:>8}")
    writer.write_line("checks, seconds each:")
    for name, test, outcome, steps in sorted(checks):
        timings = ", ".join(f"{step} {seconds}" for step, seconds in steps.items())
        writer.write_line(f"  {name} {test} ({outcome}): {timings}")
