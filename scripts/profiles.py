"""Solver profiles for the comparison scripts: a profile with its time budget changed."""


def timed_profile(base, seconds, path):
    """Writes `base` (a solver profile's TOML) to `path` with `[routing]`'s search and route-pool
    MILP budgets adding up to `seconds`: the search gets four fifths, the MILP one fifth."""
    search, milp = seconds * 0.8, seconds * 0.2
    lines, section = [], None
    with open(base) as f:
        for line in f.read().splitlines():
            if line.startswith("["):
                section = line.strip()
            if section == "[routing]" and line.startswith("time_limit_s"):
                line = f"time_limit_s = {search}"
            if section == "[routing]" and line.startswith("milp_time_limit_s"):
                line = f"milp_time_limit_s = {milp}"
            lines.append(line)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
