package io.sluice.ingest;

import io.sluice.core.SluiceException;

import static io.sluice.ingest.IngestFixture.NOW;
import static io.sluice.ingest.IngestFixture.balanced;
import static io.sluice.ingest.IngestFixture.order;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filesystem failures while reading, injected by a local filesystem registered as {@code faulty:}. */
class ReadFailureTest {
  @TempDir Path dir;
  IngestFixture fx;
  EventReader reader;

  @BeforeEach
  void setUp() throws Exception {
    fx = new IngestFixture(dir, "jsonl", null);
    fx.conf.setClass("fs.faulty.impl", FaultyFs.class, FileSystem.class);
    fx.conf.setBoolean("fs.faulty.impl.disable.cache", true);
    reader = new EventReader(fx.spec, fx.schema, fx.conf, 2, 1);
    FaultyFs.opens.clear();
  }

  /** Lands a file and describes it on the faulty filesystem. */
  private LandingFile land(String name, String content) throws Exception {
    LandingFile f = fx.land(name, content);
    return new LandingFile(f.path().replaceFirst("^file:", "faulty:"), f.length(), f.modificationTime());
  }

  private static String lines(int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(order("k" + i, 1, NOW)).append('\n');
    }
    return s.toString();
  }

  private static SluiceException fails(Runnable read) {
    return (SluiceException) org.assertj.core.api.Assertions.catchThrowableOfType(read::run, SluiceException.class);
  }

  @Test
  void persistentFailureFailsTheBatchAfterOneRetrySoNothingIsLost() throws Exception {
    LandingFile bad = land("broken-1.jsonl", lines(3));
    LandingFile good = land("fine.jsonl", lines(2));
    SluiceException e = fails(() -> reader.read(List.of(good, bad)));
    assertThat(e).hasMessage("cannot read landing file " + bad.path()
        + ": IOException: simulated disk error; nothing was committed and the next run retries it");
    assertThat(FaultyFs.opens.get("broken-1.jsonl").get()).isEqualTo(2);   // retried once
  }

  @Test
  void failureHalfwayFailsTheBatch() throws Exception {
    LandingFile bad = land("midway.jsonl", lines(2000));   // fails after 64 KiB
    assertThat(fails(() -> reader.read(List.of(bad)))).hasMessageContaining("simulated failure after 65536 bytes");
  }

  @Test
  void transientFailureIsRetried() throws Exception {
    IngestResult r = balanced(reader.read(List.of(land("flaky.jsonl", lines(3)))), 3, 3);
    assertThat(r.files().get(0).skipped()).isNull();
    assertThat(FaultyFs.opens.get("flaky.jsonl").get()).isEqualTo(2);
  }

  @Test
  void notFoundForAFileThatExistsIsAFailureNotAVanishedFile() throws Exception {
    LandingFile f = land("denied.jsonl", lines(1));
    assertThat(fails(() -> reader.read(List.of(f)))).hasMessageContaining("(Permission denied)");
    assertThat(FaultyFs.opens.get("denied.jsonl").get()).isEqualTo(2);
  }

  @Test
  void fileVanishingWhileBeingReadIsSkipped() throws Exception {
    LandingFile f = land("vanishing.jsonl", lines(2000));
    IngestResult r = balanced(reader.read(List.of(f, land("fine.jsonl", lines(1)))), 1, 1);
    assertThat(r.files().get(0)).isEqualTo(new FileReport(f.path(), 0, 0, 0, "file vanished between listing and reading"));
  }

  @Test
  void unexpectedErrorIsNotRetriedAndFailsTheBatch() throws Exception {
    LandingFile f = land("bug.jsonl", lines(1));
    assertThat(fails(() -> reader.read(List.of(f)))).hasMessageContaining("IllegalStateException: simulated bug");
    assertThat(FaultyFs.opens.get("bug.jsonl").get()).isEqualTo(1);
  }

  @Test
  void directoryInsteadOfAFileFailsTheBatch() throws Exception {
    Files.createDirectories(fx.landing.resolve("adir"));
    LandingFile d = IngestFixture.describe(fx.landing.resolve("adir"));
    assertThat(fails(() -> reader.read(List.of(d)))).hasMessageContaining(d.path() + " is a directory");
  }

  /** Local files under the {@code faulty:} scheme; what goes wrong depends on the file name. */
  public static final class FaultyFs extends RawLocalFileSystem {
    static final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();

    @Override
    public URI getUri() {
      return URI.create("faulty:///");
    }

    @Override
    public String getScheme() {
      return "faulty";
    }

    @Override
    public FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize) throws IOException {
      String name = f.getName();
      int n = opens.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      if (name.startsWith("broken")) {
        throw new IOException("simulated disk error");
      }
      if (name.startsWith("flaky") && n == 1) {
        throw new IOException("simulated hiccup");
      }
      if (name.startsWith("denied")) {
        throw new FileNotFoundException(pathToFile(f) + " (Permission denied)");
      }
      FSDataInputStream in = super.open(f, bufferSize);
      if (name.startsWith("midway")) {
        return wrap(in, 65536, () -> {
          throw new IOException("simulated failure after 65536 bytes");
        });
      }
      if (name.startsWith("vanishing")) {
        return wrap(in, 65536, () -> {
          Files.delete(pathToFile(f).toPath());
          throw new FileNotFoundException("simulated: " + f + " was deleted");
        });
      }
      if (name.startsWith("bug")) {
        return wrap(in, 10, () -> {
          throw new IllegalStateException("simulated bug");
        });
      }
      return in;
    }

    interface Failure {
      void fail() throws IOException;
    }

    private static FSDataInputStream wrap(InputStream in, long after, Failure failure) {
      InputStream failing = new FilterInputStream(in) {
        long read;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (read >= after) {
            failure.fail();
          }
          int n = super.read(b, off, (int) Math.min(len, after - read));
          read += Math.max(n, 0);
          return n;
        }

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }
      };
      return new FSDataInputStream(new Seekless(failing));
    }

    /** FSDataInputStream needs a Seekable, PositionedReadable stream. */
    private static final class Seekless extends FSInputStream {
      private final InputStream in;

      Seekless(InputStream in) {
        this.in = in;
      }

      @Override
      public void seek(long pos) throws IOException {
        throw new IOException("not seekable");
      }

      @Override
      public long getPos() {
        return 0;
      }

      @Override
      public boolean seekToNewSource(long targetPos) {
        return false;
      }

      @Override
      public int read() throws IOException {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    }
  }
}
