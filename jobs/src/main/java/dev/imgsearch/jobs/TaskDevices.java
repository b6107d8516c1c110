package dev.imgsearch.jobs;

import ai.djl.Device;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** The device Spark assigned to the running task. */
final class TaskDevices {

    private TaskDevices() {
    }

    /** The first GPU in the task's resources, or null when Spark assigned none (local mode, CPU clusters). */
    static Device assigned() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return null;
        }
        ResourceInformation gpus = task.resources().get("gpu").getOrElse(() -> null);
        if (gpus == null || gpus.addresses().length == 0) {
            return null;
        }
        return Device.gpu(Integer.parseInt(gpus.addresses()[0].trim()));
    }
}
