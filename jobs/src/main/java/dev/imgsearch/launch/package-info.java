/**
 * {@code imgsearch launch}: splitting one embed run between N SkyPilot managed jobs and starting them with the
 * {@code sky} command line.
 */
package dev.imgsearch.launch;
