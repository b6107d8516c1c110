/**
 * CLIP models: a TorchScript model directory and what it declares about itself ({@link
 * dev.imgsearch.model.ModelDescriptor}), loading it onto a device through DJL's PyTorch engine ({@link
 * dev.imgsearch.model.ClipModel}), its content identity ({@link dev.imgsearch.model.ModelIdentity}), where models come
 * from (directories, zips, URLs, s3a, the default model; {@link dev.imgsearch.model.ModelFetcher} and its cache), and
 * one shared model per executor JVM ({@link dev.imgsearch.model.SharedModels}).
 */
package dev.imgsearch.model;
