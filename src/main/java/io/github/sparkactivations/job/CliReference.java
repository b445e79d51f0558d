package io.github.sparkactivations.job;

import io.github.sparkactivations.core.Docs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The command-line reference, generated from picocli: the --help of the job and each command.
 * {@code CliReference --update README.md} rewrites the README's section; a test keeps them equal.
 */
public final class CliReference {

  private CliReference() {}

  public static String markdown() {
    CommandLine cli = ActivationJob.commandLine(System.out, new java.util.Properties());
    StringBuilder text =
        new StringBuilder("```\n").append(cli.getUsageMessage(CommandLine.Help.Ansi.OFF));
    for (CommandLine sub : cli.getSubcommands().values()) {
      text.append("\n").append(sub.getUsageMessage(CommandLine.Help.Ansi.OFF));
    }
    return text.append("```\n").toString();
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--update")) {
      Path file = Path.of(args[1]);
      Files.writeString(
          file,
          Docs.embed(Files.readString(file, StandardCharsets.UTF_8), "cli-reference", markdown()),
          StandardCharsets.UTF_8);
    } else {
      System.out.print(markdown());
    }
  }
}
