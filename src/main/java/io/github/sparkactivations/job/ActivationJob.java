package io.github.sparkactivations.job;

import io.github.sparkactivations.core.ActivationException;
import io.github.sparkactivations.core.Version;
import io.github.sparkactivations.sql.SparkLine;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.spark.sql.AnalysisException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The batch driver, submitted with spark-submit:
 *
 * <pre>
 *   spark-submit --class io.github.sparkactivations.job.ActivationJob spark-activations.jar \
 *       --input logits/ --output probs/ --apply 'probs=softmax(logits, temperature=2)'
 * </pre>
 *
 * Exit codes: 0 success; 2 bad usage or input, reported in one line before anything is written; 1 a
 * failure while running (the previous output, if any, is left as it was).
 */
@Command(
    name = "activation-job",
    description = "Apply activation functions to logits stored as Parquet, ORC, JSON or CSV.",
    mixinStandardHelpOptions = true,
    versionProvider = ActivationJob.VersionProvider.class,
    subcommands = {
      RunCommand.class,
      StreamCommand.class,
      GenerateSampleCommand.class,
      FunctionsCommand.class
    })
public final class ActivationJob implements Runnable {

  private static final Set<String> TOP_LEVEL = Set.of("-h", "--help", "-V", "--version");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if (!inYarnApplicationMaster()) {
      System.exit(execute(System.out, System.err, args));
    }
    // YARN's cluster mode runs this in its application master, which reports any exit of the JVM
    // as a failure: return, or throw with the error line so that the application's final status
    // (what spark-submit prints) names it.
    ErrorLine err = new ErrorLine(System.err);
    int code = execute(System.out, err, args);
    if (code != 0) {
      throw new IllegalStateException(
          err.last != null ? err.last : "the activation job failed with exit code " + code);
    }
  }

  private static boolean inYarnApplicationMaster() {
    return "yarn".equals(System.getProperty("spark.master"))
        && "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /** Standard error that remembers the last line starting with "error: ". */
  private static final class ErrorLine extends PrintStream {
    private String last;

    ErrorLine(PrintStream out) {
      super(out, true, StandardCharsets.UTF_8);
    }

    @Override
    public void println(String line) {
      if (line != null && line.startsWith("error: ")) {
        last = line.substring("error: ".length());
      }
      super.println(line);
    }
  }

  /** Runs the command line and returns the exit code. */
  static int execute(PrintStream out, PrintStream err, String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    try {
      SparkLine.requireMatch();
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    CommandLine cli;
    try {
      cli = commandLine(out, configDefaults(args));
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setParameterExceptionHandler(
        (e, arguments) -> {
          err.println("error: " + e.getMessage());
          err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (failure, commandLine, parseResult) -> {
          Exception e = StorageFailures.explain(failure).map(Exception.class::cast).orElse(failure);
          boolean usage =
              e instanceof UsageException
                  || e instanceof ActivationException
                  || e instanceof AnalysisException;
          boolean told = usage || e instanceof UnavailableException;
          err.println("error: " + (told ? e.getMessage() : RunCommand.firstLine(e)));
          if (verbose) {
            failure.printStackTrace(err);
          } else if (!told) {
            err.println("(run with --verbose for the stack trace)");
          }
          return usage ? 2 : 1;
        });
    return cli.execute(withDefaultCommand(args));
  }

  static CommandLine commandLine(PrintStream out, Properties defaults) {
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> type) throws Exception {
            if (type == RunCommand.class) {
              return type.cast(new RunCommand(out));
            }
            if (type == StreamCommand.class) {
              return type.cast(new StreamCommand(out));
            }
            if (type == GenerateSampleCommand.class) {
              return type.cast(new GenerateSampleCommand(out));
            }
            if (type == FunctionsCommand.class) {
              return type.cast(new FunctionsCommand(out));
            }
            return CommandLine.defaultFactory().create(type);
          }
        };
    CommandLine cli = new CommandLine(ActivationJob.class, factory);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    if (!defaults.isEmpty()) {
      for (String command : List.of("run", "stream")) {
        cli.getSubcommands()
            .get(command)
            .setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(defaults));
      }
    }
    return cli;
  }

  /** `run` is the default command: options without a command name go to it. */
  private static String[] withDefaultCommand(String[] args) {
    if (args.length == 0 || (args[0].startsWith("-") && !TOP_LEVEL.contains(args[0]))) {
      List<String> withRun = new ArrayList<>(List.of("run"));
      withRun.addAll(Arrays.asList(args));
      return withRun.toArray(String[]::new);
    }
    return args;
  }

  /** The --config file's properties, read before parsing so the command line can override them. */
  private static Properties configDefaults(String[] args) {
    Properties properties = new Properties();
    for (int i = 0; i < args.length; i++) {
      String file = null;
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      }
      if (file != null) {
        properties.putAll(readConfig(file));
      }
    }
    return properties;
  }

  /** A --config file's properties, or one line saying why it cannot be read. */
  static Properties readConfig(String file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException | RuntimeException e) {
      throw new UsageException(
          "cannot read --config "
              + file
              + ": "
              + e.getClass().getSimpleName()
              + " "
              + e.getMessage());
    }
    return properties;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "choose a command: run, stream, generate-sample or functions");
  }

  /** --version: the project's and Spark's versions. */
  static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "spark-activations "
            + Version.get()
            + " (Spark "
            + org.apache.spark.package$.MODULE$.SPARK_VERSION()
            + ")"
      };
    }
  }
}
