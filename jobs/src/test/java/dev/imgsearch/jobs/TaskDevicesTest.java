package dev.imgsearch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class TaskDevicesTest {

    @Test
    void aTaskGivenAGpuRunsTheModelOnThatGpu() {
        Map<String, ResourceInformation> resources =
                Map.of("gpu", new ResourceInformation("gpu", new String[] {"3"}));
        assertEquals(Device.gpu(3), TaskDevices.fromResources(resources));
    }

    @Test
    void aTaskWithoutGpusFallsBackToTheDefaultDeviceWhichIsTheCpuHere() {
        assertEquals(Device.cpu(), TaskDevices.fromResources(Map.of()));
        assertEquals(Device.cpu(), TaskDevices.fromResources(
                Map.of("gpu", new ResourceInformation("gpu", new String[0]))));
    }

    @Test
    void outsideATaskTheDefaultDeviceIsUsed() {
        assertEquals(Device.cpu(), TaskDevices.assigned());
    }
}
