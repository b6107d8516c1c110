/**
 * The Hugging Face Hub over HTTP: {@code hf://} URIs ({@link dev.imgsearch.source.hub.HubDatasetUri}), a repository's
 * files at a commit ({@link dev.imgsearch.source.hub.HubDatasetFiles}, partial exports refused), the API and file
 * client with its redirects, token and retries ({@link dev.imgsearch.source.hub.HubClient}), where the token comes
 * from ({@link dev.imgsearch.source.hub.HubToken}), and range reads of remote files
 * ({@link dev.imgsearch.source.hub.HttpRangeInputFile}).
 */
package dev.imgsearch.source.hub;
