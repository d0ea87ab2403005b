package io.sluice.oozie;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppValidatorTest {
  @TempDir Path dir;

  private List<String> validate(String workflow) throws Exception {
    Files.writeString(dir.resolve("workflow.xml"), workflow);
    Files.writeString(dir.resolve("job.properties"), "nameNode=hdfs://nn:8020\nresourceManager=rm:8032\n");
    return new AppValidator().validate(dir).stream().map(Object::toString).toList();
  }

  private static String wf(String body) {
    return """
        <workflow-app xmlns="uri:oozie:workflow:1.0" name="t">
          <start to="a"/>
        %s
          <kill name="fail"><message>failed</message></kill>
          <end name="end"/>
        </workflow-app>
        """.formatted(body);
  }

  private static String fs(String name, String ok) {
    return "  <action name=\"" + name + "\"><fs><mkdir path=\"${nameNode}/tmp/" + name + "\"/></fs>"
        + "<ok to=\"" + ok + "\"/><error to=\"fail\"/></action>\n";
  }

  @Test
  void aValidWorkflowHasNoProblems() throws Exception {
    assertThat(validate(wf(fs("a", "end")))).isEmpty();
  }

  @Test
  void danglingTransitionIsRejectedWithItsLine() throws Exception {
    List<String> p = validate(wf(fs("a", "nowhere")));
    assertThat(p.get(0)).contains("workflow.xml:3:")
        .contains("'a' transitions to 'nowhere', which is not a node of this workflow; nodes: [a, end, fail]");
    // With its only way to end gone, the end node is also reported.
    assertThat(p).hasSize(2).last().asString().contains("node 'end' is unreachable from start");
  }

  @Test
  void xsdViolationIsReportedWithTheSchemaName() throws Exception {
    List<String> p = validate(wf("  <action name=\"a\"><fs/><error to=\"fail\"/></action>\n"));
    assertThat(p).anySatisfy(s -> assertThat(s).contains("XSD oozie-workflow-1.0.xsd").contains("error"));
  }

  @Test
  void forkWhosePathsMeetDifferentJoinsIsRejected() throws Exception {
    String body = """
          <fork name="a"><path start="b"/><path start="c"/></fork>
        """ + fs("b", "j1") + fs("c", "j2") + """
          <join name="j1" to="end"/>
          <join name="j2" to="end"/>
        """;
    List<String> p = validate(wf(body));
    assertThat(p).anySatisfy(s -> assertThat(s).contains("fork 'a' paths do not all meet at one join"));
    assertThat(p).anySatisfy(s -> assertThat(s).contains("closes no fork"));
  }

  @Test
  void undefinedParameterAndUnreachableNodeAreReported() throws Exception {
    String body = "  <action name=\"a\"><fs><mkdir path=\"${nameNode}/${outDir}\"/></fs><ok to=\"end\"/>"
        + "<error to=\"fail\"/></action>\n" + fs("orphan", "end");
    List<String> p = validate(wf(body));
    assertThat(p).anySatisfy(s -> assertThat(s).contains("parameter ${outDir} is not defined"));
    assertThat(p).anySatisfy(s -> assertThat(s).contains("node 'orphan' is unreachable from start"));
    assertThat(p).noneSatisfy(s -> assertThat(s).contains("${nameNode}"));
  }

  @Test
  void elFunctionsAndStringLiteralsAreNotParameters() throws Exception {
    String body = "  <decision name=\"a\"><switch><case to=\"end\">${wf:actionData('x')['pending'] eq 'true'"
        + " and fs:exists(concat(nameNode, '/a'))}</case><case to=\"fail\">${false}</case><default to=\"end\"/>"
        + "</switch></decision>\n";
    assertThat(validate(wf(body))).isEmpty();
  }
}
