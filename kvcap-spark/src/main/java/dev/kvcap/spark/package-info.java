/**
 * Captioning on Apache Spark: {@link dev.kvcap.spark.CaptionTransformer} (a Spark ML Transformer
 * that adds {@code caption}, {@code log_prob}, optionally {@code tokens}, and {@code error} to a
 * DataFrame of images) and the {@code spark-caption} job ({@link
 * dev.kvcap.spark.SparkCaptionCommand}). One {@link dev.kvcap.infer.Captioner} per executor JVM
 * ({@link dev.kvcap.spark.ExecutorCaptioners}); each partition's images are captioned in batches
 * through the core's batched beam search ({@link dev.kvcap.spark.PartitionCaptioner}).
 */
package dev.kvcap.spark;
