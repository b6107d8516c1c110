"""Where the two CPUs' time went during one build: what else shares them with the shard tasks.

    cpu_use.py sample OUT NAME=PID ...    # snapshot: each CPU's busy time, and each process's own CPU time and its
                                          # reaped children's (a Spark worker's executors, once they have exited)
    cpu_use.py report BEFORE AFTER        # the differences, in seconds

Spark's task metrics give a task thread's CPU time; this gives everything around it (the executor JVM's other
threads, the worker, master and driver JVMs, the kernel), from /proc, so the two can be set side by side.
"""
import json
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")


def cpus():
    busy = {}
    with open("/proc/stat") as f:
        for line in f:
            name, *fields = line.split()
            if name.startswith("cpu") and name != "cpu":
                user, nice, system, idle, iowait, irq, softirq, steal = map(int, fields[:8])
                busy[name] = (user + nice + system + irq + softirq + steal) / TICK
    return busy


def process(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3 of stat(5), utime 14, stime 15, cutime 16, cstime 17.
    utime, stime, cutime, cstime = map(int, fields[11:15])
    return {"own": (utime + stime) / TICK, "children": (cutime + cstime) / TICK}


def sample(out, named_pids):
    with open("/proc/uptime") as f:
        now = float(f.read().split()[0])
    snapshot = {"uptime": now, "cpus": cpus(), "processes": {}}
    for item in named_pids:
        name, pid = item.split("=", 1)
        snapshot["processes"][name] = process(int(pid))
    with open(out, "w") as f:
        json.dump(snapshot, f)


def report(before_file, after_file):
    with open(before_file) as f:
        before = json.load(f)
    with open(after_file) as f:
        after = json.load(f)
    wall = after["uptime"] - before["uptime"]
    parts = [f"{name} busy {after['cpus'][name] - before['cpus'][name]:.1f} s" for name in sorted(after["cpus"])]
    line = f"CPU time over {wall:.1f} s: " + ", ".join(parts)
    for name, now in after["processes"].items():
        then = before["processes"].get(name)
        if then is None:
            continue
        own = now["own"] - then["own"]
        children = now["children"] - then["children"]
        line += f"; {name} {own:.1f} s" + (f" (+{children:.1f} s its exited children)" if children > 0.05 else "")
    print(line)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
