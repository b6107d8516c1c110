package dev.imgsearch.jobs;

import ai.djl.Device;
import dev.imgsearch.model.ClipModel;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** The device Spark assigned to the running task. */
final class TaskDevices {

    private TaskDevices() {
    }

    /** The first GPU in the task's resources, else the machine's default device (a GPU if the JVM sees one). */
    static Device assigned() {
        TaskContext task = TaskContext.get();
        ResourceInformation gpus = task == null ? null : task.resources().get("gpu").getOrElse(() -> null);
        if (gpus == null || gpus.addresses().length == 0) {
            return ClipModel.defaultDevice();
        }
        return Device.gpu(Integer.parseInt(gpus.addresses()[0].trim()));
    }
}
