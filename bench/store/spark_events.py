"""Where a Spark application's time went, from its event log (spark.eventLog.enabled, uncompressed).

Usage: python3 spark_events.py EVENT_LOG_FILE

Prints, in seconds from the application's start: each executor's registration, and each stage's start and end
with its tasks' executor run time, CPU time and JVM GC time (Spark's own task metrics), so a stage that scales
badly shows whether its tasks ran on the CPU (cpu ~ run), waited (cpu < run) or collected garbage (gc); and, where a
task read or wrote a shuffle, how long it waited for blocks (fetch wait, with the remote share of the bytes) and how
long its writes blocked (write); for a stage of more than two tasks, each executor's sums of the same.
"""
import json
import sys


def main(path):
    start = None
    stages = {}
    tasks = {}
    lines = []
    with open(path) as log:
        for line in log:
            event = json.loads(line)
            kind = event["Event"]
            if kind == "SparkListenerApplicationStart":
                start = event["Timestamp"]
            elif kind == "SparkListenerExecutorAdded":
                lines.append((event["Timestamp"], f"executor {event['Executor ID']} registered"))
            elif kind == "SparkListenerStageCompleted":
                info = event["Stage Info"]
                stages[info["Stage ID"]] = info
            elif kind == "SparkListenerTaskEnd":
                tasks.setdefault(event["Stage ID"], []).append(event)
    for stage_id, info in sorted(stages.items()):
        done = tasks.get(stage_id, [])
        parts = []
        totals = {}
        for task in sorted(done, key=lambda t: t["Task Info"]["Launch Time"]):
            metrics = task.get("Task Metrics") or {}
            executor = task["Task Info"]["Executor ID"]
            run, cpu, gc = (metrics.get("Executor Run Time", 0) / 1e3, metrics.get("Executor CPU Time", 0) / 1e9,
                            metrics.get("JVM GC Time", 0) / 1e3)
            total = totals.setdefault(executor, [0, 0.0, 0.0, 0.0])
            total[0] += 1
            total[1] += run
            total[2] += cpu
            total[3] += gc
            part = "exec %s run %.1f cpu %.1f gc %.1f" % (executor, run, cpu, gc)
            read = metrics.get("Shuffle Read Metrics") or {}
            remote, local = read.get("Remote Bytes Read", 0), read.get("Local Bytes Read", 0)
            if remote + local:
                part += " fetch wait %.1f (%.0f%% of %.0f MB remote)" % (
                    read.get("Fetch Wait Time", 0) / 1e3, 100.0 * remote / (remote + local), (remote + local) / 1e6)
            write = metrics.get("Shuffle Write Metrics") or {}
            if write.get("Shuffle Bytes Written", 0):
                part += " write %.2f" % (write.get("Shuffle Write Time", 0) / 1e9)
            parts.append(part)
        name = info["Stage Name"].split(" at ")[0]
        lines.append((info["Submission Time"], "stage %d (%s, %d tasks) %.1f s: %s" % (
            stage_id, name, len(done), (info["Completion Time"] - info["Submission Time"]) / 1e3,
            "; ".join(parts[:8]) + ("; ..." if len(parts) > 8 else ""))))
        if len(done) > 2:
            lines.append((info["Submission Time"], "         stage %d totals: %s" % (stage_id, "; ".join(
                "exec %s %d tasks run %.1f cpu %.1f gc %.1f" % (executor, *total)
                for executor, total in sorted(totals.items())))))
    for at, text in sorted(lines, key=lambda line: line[0]):
        print("  %6.1f s  %s" % ((at - start) / 1e3, text))


if __name__ == "__main__":
    main(sys.argv[1])
