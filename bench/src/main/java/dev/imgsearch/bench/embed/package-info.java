/** The embed task's rate against preprocessing alone, and pool-per-task against many tasks: bench/embed/task.sh. */
package dev.imgsearch.bench.embed;
