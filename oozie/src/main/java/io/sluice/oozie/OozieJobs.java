package io.sluice.oozie;

import io.sluice.core.SluiceException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.apache.oozie.client.AuthOozieClient;
import org.apache.oozie.client.BundleJob;
import org.apache.oozie.client.CoordinatorAction;
import org.apache.oozie.client.CoordinatorJob;
import org.apache.oozie.client.OozieClient;
import org.apache.oozie.client.OozieClientException;
import org.apache.oozie.client.WorkflowAction;
import org.apache.oozie.client.WorkflowJob;

/** Submits, inspects and kills Sluice's Oozie jobs through {@link OozieClient}. */
public final class OozieJobs {
  /** One job's state; {@code children} are a coordinator's actions, a bundle's coordinators or a workflow's nodes. */
  public record JobStatus(String id, String kind, String name, String status, Instant started, Instant ended,
      List<Child> children) {
    /** Terminal: Oozie will not change it any more. */
    public boolean done() {
      return switch (status) {
        case "SUCCEEDED", "KILLED", "FAILED", "DONEWITHERROR", "IGNORED" -> true;
        default -> false;
      };
    }
  }

  /** A coordinator action, bundle coordinator or workflow node. */
  public record Child(String id, String name, String status, Instant nominal, String externalId, String error) {}

  private final OozieClient client;

  public OozieJobs(OozieClient client) {
    this.client = client;
  }

  /** Connects to the Oozie server at {@code url}; Kerberos (SPNEGO) is used when the client has a ticket. */
  public static OozieJobs connect(String url) {
    return new OozieJobs(new AuthOozieClient(url));
  }

  public OozieClient client() {
    return client;
  }

  /** Starts the job {@code props} describe (coordinator or bundle app path in them); returns its id. */
  public String submit(Properties props) {
    if (props.getProperty(OozieClient.USER_NAME) == null) {
      props.setProperty(OozieClient.USER_NAME, System.getProperty("user.name"));
    }
    try {
      return client.run(props);
    } catch (OozieClientException e) {
      throw new SluiceException("Oozie rejected the job (" + e.getErrorCode() + "): " + e.getMessage());
    }
  }

  public void kill(String id) {
    try {
      client.kill(id);
    } catch (OozieClientException e) {
      throw new SluiceException("cannot kill " + id + " (" + e.getErrorCode() + "): " + e.getMessage());
    }
  }

  /** The job's state; the kind follows from the id's suffix ({@code -W}, {@code -C}, {@code -B}). */
  public JobStatus status(String id) {
    try {
      if (id.endsWith("-C")) {
        CoordinatorJob c = client.getCoordJobInfo(id, null, 1, 1000, "asc");
        List<Child> kids = new ArrayList<>();
        for (CoordinatorAction a : c.getActions()) {
          kids.add(new Child(a.getId(), "#" + a.getActionNumber(), a.getStatus().name(), at(a.getNominalTime()),
              a.getExternalId(), a.getErrorMessage()));
        }
        return new JobStatus(id, "coordinator", c.getAppName(), c.getStatus().name(), at(c.getStartTime()),
            at(c.getEndTime()), kids);
      }
      if (id.endsWith("-B")) {
        BundleJob b = client.getBundleJobInfo(id);
        List<Child> kids = new ArrayList<>();
        for (CoordinatorJob c : b.getCoordinators()) {
          kids.add(new Child(c.getId(), c.getAppName(), c.getStatus().name(), at(c.getStartTime()), null, null));
        }
        return new JobStatus(id, "bundle", b.getAppName(), b.getStatus().name(), at(b.getKickoffTime()),
            at(b.getEndTime()), kids);
      }
      WorkflowJob w = client.getJobInfo(id);
      List<Child> kids = new ArrayList<>();
      for (WorkflowAction a : w.getActions()) {
        kids.add(new Child(a.getId(), a.getName(), a.getStatus().name(), at(a.getStartTime()), a.getExternalId(),
            a.getErrorMessage()));
      }
      return new JobStatus(id, "workflow", w.getAppName(), w.getStatus().name(), at(w.getStartTime()),
          at(w.getEndTime()), kids);
    } catch (OozieClientException e) {
      throw new SluiceException("cannot read " + id + " (" + e.getErrorCode() + "): " + e.getMessage());
    }
  }

  private static Instant at(Date d) {
    return d == null ? null : d.toInstant();
  }
}
