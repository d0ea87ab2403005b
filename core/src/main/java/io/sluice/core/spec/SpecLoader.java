package io.sluice.core.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sluice.core.util.ByteSize;
import io.sluice.core.util.Durations;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Loads and validates a pipeline spec. Unknown keys, wrong types and inconsistent values fail here,
 * before anything is written, with a {@link SpecException} naming file, YAML path, line and a hint.
 */
public final class SpecLoader {
  private static final ObjectMapper MAPPER = newMapper();

  private SpecLoader() {}

  static ObjectMapper newMapper() {
    SimpleModule human = new SimpleModule("sluice-human-units");
    human.addDeserializer(Duration.class, new FromString<>(Durations::parse));
    human.addDeserializer(ByteSize.class, new FromString<>(ByteSize::parse));
    human.addDeserializer(Instant.class, new FromString<>(SpecLoader::parseInstant));
    return YAMLMapper.builder(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .addModule(human)
        .build();
  }

  private static Instant parseInstant(String s) {
    String t = s.trim();
    return t.length() == 10 ? Instant.parse(t + "T00:00:00Z") : Instant.parse(t);
  }

  /** Loads a spec from a local file; relative paths inside resolve against the file's directory. */
  public static PipelineSpec load(Path file) {
    return load(file, Map.of());
  }

  /**
   * Loads a spec from a local file with {@code path=value} overrides applied first (see {@code --set});
   * an overridden spec is validated exactly like the file.
   */
  public static PipelineSpec load(Path file, Map<String, String> overrides) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpecException(file.toString(), "", 0, "cannot read spec: " + e,
          "check the --pipeline path");
    }
    if (!overrides.isEmpty()) {
      text = SpecOverrides.apply(file.toString(), text, overrides, MAPPER);
    }
    Path dir = file.toAbsolutePath().getParent();
    return load(file.toString(), text, dir, Path.of("").toAbsolutePath());
  }

  /**
   * Loads a spec from text.
   *
   * @param displayName how errors name the file
   * @param specDir directory that relative {@code schema} paths resolve against
   * @param cwd directory that a relative {@code work-dir} resolves against
   */
  public static PipelineSpec load(String displayName, String yaml, Path specDir, Path cwd) {
    if (yaml.isBlank()) {
      throw new SpecException(displayName, "", 0, "the spec is empty", "start from conf/reference.yaml");
    }
    YamlLocator locator = new YamlLocator(yaml);
    PipelineSpec raw;
    try {
      raw = MAPPER.readValue(yaml, PipelineSpec.class);
    } catch (JsonProcessingException e) {
      throw translate(displayName, locator, e);
    }
    if (raw == null) {
      throw new SpecException(displayName, "", 0, "the spec is empty",
          "start from conf/reference.yaml");
    }
    PipelineSpec resolved = SpecResolver.resolve(raw, specDir, cwd);
    new SpecValidator(displayName, locator).validate(resolved);
    return resolved;
  }

  private static SpecException translate(String file, YamlLocator loc, JsonProcessingException e) {
    int parserLine = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    int line = e instanceof JsonMappingException m && !m.getPath().isEmpty()
        ? Math.max(loc.lineOf(dotted(m.getPath())), 0) : parserLine;
    if (line == 0) {
      line = parserLine;
    }
    if (e instanceof UnrecognizedPropertyException u) {
      String path = dotted(u.getPath());
      return new SpecException(file, path, line,
          "unknown key '" + u.getPropertyName() + "'", suggest(u.getPropertyName(), u.getKnownPropertyIds()));
    }
    if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
      String allowed = Arrays.stream(f.getTargetType().getEnumConstants())
          .map(c -> c.toString().toLowerCase()).collect(Collectors.joining(", "));
      return new SpecException(file, dotted(f.getPath()), line,
          "invalid value '" + f.getValue() + "'", "use one of: " + allowed);
    }
    if (e instanceof ValueInstantiationException || e instanceof InvalidFormatException) {
      JsonMappingException m = (JsonMappingException) e;
      String msg = m.getCause() != null ? m.getCause().getMessage() : m.getOriginalMessage();
      return new SpecException(file, dotted(m.getPath()), line, "invalid value: " + msg,
          "see conf/reference.yaml for the expected form");
    }
    if (e instanceof InvalidNullException n) {
      String key = n.getPropertyName() == null ? "this key" : "'" + n.getPropertyName().getSimpleName() + "'";
      return new SpecException(file, dotted(n.getPath()), line, key + " is YAML's null here (unquoted null, Null,"
          + " NULL and ~ all are), not text", "quote the value, e.g. null-value: \"NULL\"");
    }
    if (e instanceof MismatchedInputException m) {
      String type = m.getTargetType() == null ? "a different type" : describe(m.getTargetType());
      return new SpecException(file, dotted(m.getPath()), line,
          "wrong type: expected " + type, "see conf/reference.yaml for the expected form");
    }
    if (e instanceof JsonMappingException m) {
      return new SpecException(file, dotted(m.getPath()), line, m.getOriginalMessage(),
          "see conf/reference.yaml");
    }
    return new SpecException(file, "", line, "not valid YAML: " + e.getOriginalMessage(),
        "check indentation and quoting near that line");
  }

  private static String describe(Class<?> t) {
    if (List.class.isAssignableFrom(t) || Collection.class.isAssignableFrom(t)) return "a list";
    if (java.util.Map.class.isAssignableFrom(t)) return "a mapping of key: value";
    if (t.isRecord()) return "a mapping (section)";
    if (t == Integer.class || t == int.class || t == Long.class) return "an integer";
    if (t == Boolean.class) return "true or false";
    return t.getSimpleName().toLowerCase();
  }

  static String dotted(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  static String suggest(String given, Collection<Object> known) {
    List<String> names = known.stream().map(Object::toString).sorted().collect(Collectors.toList());
    LevenshteinDistance lev = LevenshteinDistance.getDefaultInstance();
    String closest = names.stream()
        .min(Comparator.comparingInt(n -> lev.apply(n, given)))
        .filter(n -> lev.apply(n, given) <= Math.max(2, given.length() / 3))
        .orElse(null);
    String valid = "valid keys here: " + String.join(", ", names);
    return closest == null ? valid : "did you mean '" + closest + "'? " + valid;
  }

  /** Serialises a spec back to YAML (for {@code --json}/debug output and round-trip tests). */
  public static String toJson(PipelineSpec spec) {
    try {
      return JsonMapper.builder().findAndAddModules().build()
          .writerWithDefaultPrettyPrinter().writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean hasScheme(String p) {
    try {
      URI u = new URI(p);
      return u.getScheme() != null && u.getScheme().length() > 1;
    } catch (Exception e) {
      return false;
    }
  }

  private static final class FromString<T> extends JsonDeserializer<T> {
    private final java.util.function.Function<String, T> parse;

    FromString(java.util.function.Function<String, T> parse) {
      this.parse = parse;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      String text = p.getValueAsString();
      if (text == null) {
        return (T) ctx.handleUnexpectedToken(handledType(), p);
      }
      try {
        return parse.apply(text);
      } catch (RuntimeException e) {
        throw InvalidFormatException.from(p, e.getMessage(), text, handledType());
      }
    }
  }
}
