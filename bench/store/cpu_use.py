"""Where the two CPUs' time went during one build: what else shares them with the shard tasks.

    cpu_use.py sample OUT NAME=PID ...    # snapshot: each CPU's busy time, and each process's own CPU time and its
                                          # reaped children's (a Spark worker's executors, once they have exited)
    cpu_use.py report BEFORE AFTER        # the differences, in seconds
    cpu_use.py watch OUT NAME=PID ...     # until killed: each thread's CPU time in every process these started (a
                                          # worker's executors), as last seen, polled each second
    cpu_use.py threads OUT                # those, summed by the JVM's thread names: the tasks, the JIT compilers,
                                          # the garbage collector, the rest

Spark's task metrics give a task thread's CPU time; this gives everything around it (the executor JVM's other
threads, the worker, master and driver JVMs, the kernel), from /proc, so the two can be set side by side.
"""
import json
import os
import sys
import time

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


def stat(path):
    """A process's or thread's stat(5) line: its name, and the fields after it from state (field 3) on. The name is
    in parentheses and may hold spaces, so the line is split at the last ')'."""
    with open(path) as f:
        head, tail = f.read().rsplit(")", 1)
    return head.split("(", 1)[1], tail.split()


def process(pid):
    fields = stat(f"/proc/{pid}/stat")[1]
    # From state (field 3 of stat(5)) on: utime is field 14, stime 15, cutime 16, cstime 17.
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


def descendants(pid):
    """The processes below pid, from each process's parent in /proc (no CONFIG_PROC_CHILDREN needed)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(stat(f"/proc/{entry}/stat")[1][1])
            except OSError:
                pass
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def threads_of(pid):
    seen = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        name, fields = stat(f"/proc/{pid}/task/{tid}/stat")
        utime, stime = map(int, fields[11:13])
        seen[tid] = [name, (utime + stime) / TICK]
    return seen


def watch(out, named_pids):
    # A thread's times are gone from /proc once it ends, and a process's once it exits, so each thread keeps its
    # last sample (at most a second short); a sample that misses threads, as one taken while the JVM shuts down,
    # loses none.
    last = {}
    while True:
        for item in named_pids:
            name, pid = item.split("=", 1)
            for child in descendants(int(pid)):
                try:
                    last.setdefault(name, {}).setdefault(str(child), {}).update(threads_of(child))
                except OSError:
                    pass
        with open(out + ".partial", "w") as f:
            json.dump(last, f)
        os.replace(out + ".partial", out)
        time.sleep(1)


def kind(thread_name):
    if thread_name.startswith("Executor task"):
        return "tasks"
    if "CompilerThre" in thread_name:
        return "JIT"
    # Serial GC, which a JVM limited to one CPU chooses, collects in the VM Thread.
    if thread_name.startswith(("GC Thread", "G1 ", "VM Thread")):
        return "GC"
    return "other"


def threads(out):
    with open(out) as f:
        last = json.load(f)
    for name, processes in last.items():
        for pid, seen in processes.items():
            sums = {"tasks": 0.0, "JIT": 0.0, "GC": 0.0, "other": 0.0}
            for thread_name, seconds in seen.values():
                sums[kind(thread_name)] += seconds
            if sum(sums.values()) < 0.5:
                continue
            print(f"threads of {name}'s process {pid}: " + ", ".join(f"{k} {v:.1f} s" for k, v in sums.items()))


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
    elif len(sys.argv) >= 3 and sys.argv[1] == "watch":
        watch(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 3 and sys.argv[1] == "threads":
        threads(sys.argv[2])
    else:
        sys.exit(__doc__)
