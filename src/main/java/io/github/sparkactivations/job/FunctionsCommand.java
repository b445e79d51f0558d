package io.github.sparkactivations.job;

import io.github.sparkactivations.core.Activation;
import io.github.sparkactivations.core.Activations;
import io.github.sparkactivations.core.Parameter;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code functions}: the catalogue, as the job's --apply and --sql accept it. */
@Command(
    name = "functions",
    description = "List the activation functions with their parameters.",
    mixinStandardHelpOptions = true,
    versionProvider = ActivationJob.VersionProvider.class)
final class FunctionsCommand implements Callable<Integer> {

  private final PrintStream out;

  FunctionsCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    for (Activation a : Activations.all()) {
      String aliases =
          a.aliases().isEmpty() ? "" : " (alias " + String.join(", ", a.aliases()) + ")";
      out.println(a.signature() + aliases);
      out.println("    " + a.doc());
      for (Parameter p : a.parameters()) {
        out.println(
            "    "
                + p.name()
                + ": "
                + p.doc()
                + "; default "
                + p.defaultText()
                + "; "
                + p.allowed());
      }
    }
    out.println();
    out.println(
        "Use in --apply as [out=]function(column, name=value, ...), e.g. 'probs=softmax(logits, temperature=2)';"
            + " in --sql with positional parameters, e.g. softmax(logits, 2.0).");
    return 0;
  }
}
