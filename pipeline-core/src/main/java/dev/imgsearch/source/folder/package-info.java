/**
 * Image folders: every file with an image name is an item, with captions, fields and labels from metadata files,
 * sidecars and class folders ({@link dev.imgsearch.source.folder.ImageFolderLayout}, start there), planned as runs
 * of files ({@link dev.imgsearch.source.folder.FileListShard}).
 */
package dev.imgsearch.source.folder;
