/**
 * The Hugging Face Hub over HTTP: {@code hf://} URIs ({@link dev.imgsearch.source.hub.HubDatasetUri}), the API and
 * file client with its redirects, token and retries ({@link dev.imgsearch.source.hub.HubClient}), and range reads of
 * remote Parquet files ({@link dev.imgsearch.source.hub.HttpRangeInputFile}).
 */
package dev.imgsearch.source.hub;
