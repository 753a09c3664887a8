"""The outage tests' part of the run's terminal summary: each variant's measured times."""


def write_summary(terminalreporter) -> None:
    """List what ``test_outages`` recorded (``record_property("outage_timings", ...)``,
    which reaches the controller from xdist workers as the reports' ``user_properties``):
    for each variant, each step and its seconds; nothing when no outage test ran."""
    rows = []
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            properties = dict(getattr(report, "user_properties", []))
            if getattr(report, "when", None) == "call" and "outage_timings" in properties:
                variant = report.nodeid.split("[")[-1].rstrip("]")
                rows.append((variant, outcome, properties["outage_timings"]))
    if not rows:
        return
    writer = terminalreporter
    writer.write_sep("=", f"outage timings: {len(rows)} variants")
    for variant, outcome, timings in sorted(rows):
        writer.write_line(f"{variant} ({outcome}):")
        for step, seconds in timings:
            writer.write_line(f"  {seconds:6.3f} s  {step}")
