package io.github.sparkactivations.job;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file system's refusal told in one line with its fix: an object store without the bucket, or
 * refusing the credentials; a NameNode or object store that does not answer. Recognised from the
 * failure's causes, whose messages name the path (Hadoop's S3A and HDFS clients); any other failure
 * is left as it is.
 */
final class StorageFailures {

  private static final Pattern STORE = Pattern.compile("\\b(?:s3a|hdfs)://[^\\s'`/:]+(?::\\d+)?");

  /** How Hadoop's RPC client names the server it failed to reach. */
  private static final Pattern HADOOP_CALL = Pattern.compile("Call From \\S+ to (\\S+) failed");

  private static final Pattern S3_CODE =
      Pattern.compile("\\b(SignatureDoesNotMatch|InvalidAccessKeyId|AccessDenied)\\b");

  private StorageFailures() {}

  /** The one-line failure for {@code failure}, if it is a storage failure this class knows. */
  static Optional<RuntimeException> explain(Throwable failure) {
    String store = store(failure);
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String type = t.getClass().getSimpleName();
      String message = String.valueOf(t.getMessage());
      if (type.equals("UnknownStoreException") || type.equals("NoSuchBucketException")) {
        return Optional.of(
            new UsageException(
                "bucket " + store + " does not exist; create it, or check the path's bucket"));
      }
      Matcher code = S3_CODE.matcher(message);
      if (store.startsWith("s3a://") && code.find()) {
        return Optional.of(
            new UnavailableException(
                "the object store refused the credentials for "
                    + store
                    + " ("
                    + code.group(1)
                    + "): check spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key,"
                    + " or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment"));
      }
      Matcher call = HADOOP_CALL.matcher(message);
      if (t instanceof ConnectException && call.find()) {
        return Optional.of(
            new UnavailableException(
                "cannot reach the NameNode at "
                    + call.group(1)
                    + " (connection refused): check the hdfs:// address (or fs.defaultFS in"
                    + " HADOOP_CONF_DIR), and that HDFS runs"));
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return Optional.of(
            new UnavailableException(
                "cannot reach "
                    + store
                    + " ("
                    + RunCommand.firstLine(t)
                    + "): check the address, and that the service runs"));
      }
    }
    return Optional.empty();
  }

  /** The first hdfs:// or s3a:// authority the failure's messages name, e.g. s3a://bucket. */
  private static String store(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      Matcher store = STORE.matcher(String.valueOf(t.getMessage()));
      if (store.find()) {
        return store.group();
      }
    }
    return "the file system";
  }
}
