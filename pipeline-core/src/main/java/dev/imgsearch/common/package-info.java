/**
 * What every stage shares and no stage owns: the one line a user sees for a failure ({@link
 * dev.imgsearch.common.OneLine}).
 */
package dev.imgsearch.common;
