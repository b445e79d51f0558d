package io.github.sparkactivations.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyTest {

  @Test
  void parsesOutputFunctionColumnAndParameters() {
    Apply apply = Apply.parse(" probs = SoftMax( logits , temperature = 2 ) ");
    assertEquals("probs", apply.output());
    assertEquals("logits", apply.column());
    assertEquals("softmax(temperature=2.0)", apply.spec().toString());
    assertEquals("probs = softmax(temperature=2.0) of logits", apply.describe());
  }

  @Test
  void withoutOutputTheColumnIsReplaced() {
    Apply apply = Apply.parse("gelu(`raw score`, approximate='tanh')");
    assertEquals("raw score", apply.column());
    assertEquals("raw score", apply.output());
    assertEquals(List.of(), apply.spec().kernelArguments());
    assertEquals("geluTanh", apply.spec().kernelMethod());
  }

  @Test
  void mistakesAreOneLineThatSaysWhatIsExpected() {
    assertEquals(
        "malformed --apply 'softmax': expected [out=]function(column[, name=value ...]), e.g."
            + " --apply 'probs=softmax(logits, temperature=2)'",
        assertThrows(UsageException.class, () -> Apply.parse("softmax")).getMessage());
    assertEquals(
        "malformed --apply 'p=softmax(temperature=2)': the first argument must be the input column,"
            + " e.g. --apply 'probs=softmax(logits, temperature=2)'",
        assertThrows(UsageException.class, () -> Apply.parse("p=softmax(temperature=2)"))
            .getMessage());
    assertEquals(
        "malformed --apply 'softmax(x, 2)': parameters after the column are name=value, got '2',"
            + " e.g. --apply 'probs=softmax(logits, temperature=2)'",
        assertThrows(UsageException.class, () -> Apply.parse("softmax(x, 2)")).getMessage());
    assertEquals(
        "--apply 'p=sofmax(x)': unknown activation 'sofmax' (did you mean softmax?); valid functions:",
        assertThrows(UsageException.class, () -> Apply.parse("p=sofmax(x)"))
            .getMessage()
            .replaceAll(" argmax.*", ""));
    assertEquals(
        "--apply 'softmax(x, temp=2)': softmax: unknown parameter 'temp'; valid parameters: temperature",
        assertThrows(UsageException.class, () -> Apply.parse("softmax(x, temp=2)")).getMessage());
    assertEquals(
        "--apply 'softmax(x, temperature=0)': softmax: temperature must be finite and > 0, got 0.0",
        assertThrows(UsageException.class, () -> Apply.parse("softmax(x, temperature=0)"))
            .getMessage());
  }
}
