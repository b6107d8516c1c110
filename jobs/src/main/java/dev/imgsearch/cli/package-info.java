/**
 * The {@code imgsearch} command line (picocli): one class per command, {@link dev.imgsearch.cli.Main} to start, and
 * the options several commands share declared once as mixins ({@code EmbedOptions}, {@code ModelOption},
 * {@code StoreOption}, {@code QueryOptions}, {@code SparkOptions}). Usage errors exit 2, failures 1.
 */
package dev.imgsearch.cli;
