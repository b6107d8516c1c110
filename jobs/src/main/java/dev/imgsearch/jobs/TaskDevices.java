package dev.imgsearch.jobs;

import ai.djl.Device;
import dev.imgsearch.model.ClipModel;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** The device Spark assigned to the running task. */
final class TaskDevices {

    private TaskDevices() {
    }

    /**
     * The first GPU in the running task's resources, else the machine's default device (a GPU if the JVM sees one).
     * Spark's Java map of them, not the Scala one: Scala 2.12 and 2.13 convert collections with different classes.
     */
    static Device assigned() {
        TaskContext task = TaskContext.get();
        return task == null ? ClipModel.defaultDevice() : fromResources(task.resourcesJMap());
    }

    /**
     * The device for a task's resources: the first GPU address Spark gave it (with the GPU profile, Spark gives each
     * task a share of one GPU), else the default device, which is the CPU on machines without one.
     */
    static Device fromResources(Map<String, ResourceInformation> resources) {
        ResourceInformation gpus = resources.get("gpu");
        if (gpus == null || gpus.addresses().length == 0) {
            return ClipModel.defaultDevice();
        }
        return Device.gpu(Integer.parseInt(gpus.addresses()[0].trim()));
    }
}
