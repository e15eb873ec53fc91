package io.github.springwithings.documentation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation cannot drift from the code: the README stays a front door, every relative link
 * and anchor resolves, the configuration reference lists exactly the properties of the configuration
 * metadata, every class and test the docs name exists, tests are named only in
 * {@code docs/guarantees.md}, and no HTML comment is left open. Each check also runs once on a
 * deliberately broken copy, so that it is seen failing.
 */
class DocumentationTests {

	static final int README_MAX_LINES = 300;

	static final String CONFIGURATION_PAGE = "docs/configuration-properties.md";

	/**
	 * Files that may name test classes: the one guide page about tests, the contributor guide, the
	 * history, and each sample's README (which describes that sample's own tests).
	 */
	static final Set<String> TEST_NAMES_ALLOWED = Set.of("docs/guarantees.md", "CONTRIBUTING.md", "CHANGELOG.md");

	/** The history names classes that were renamed or deleted: it is not checked for class names. */
	static final Set<String> CLASS_NAMES_NOT_CHECKED = Set.of("CHANGELOG.md");

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

	private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

	private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

	private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```[^\\n]*$");

	private static final Pattern INLINE_CODE = Pattern.compile("`([^`\\n]+)`");

	private static final Pattern CLASS_NAME = Pattern.compile(
			"(?<![\\w*{-])((?:Jdbc|R2dbc|InMemory|Sql)?Withings[A-Z]\\w*|SingleFlight\\w+|(?:Jdbc|R2dbc)?StoreDatabase|SqlPlatforms|[A-Z]\\w*Tests)\\b");

	private static final Pattern TEST_NAME = Pattern.compile("(?<![\\w*{-])([A-Z]\\w*Tests)\\b");

	private static final Pattern DECLARED = Pattern.compile("\\b(?:class|interface|record|enum)\\s+(\\w+)");

	private static final Pattern PROPERTY = Pattern.compile("withings(?:\\.[a-z0-9-]+)+");

	private static final Pattern COMMENT_MARK = Pattern.compile("<!--|-->");

	private final Path root = repositoryRoot();

	@Test
	void readmeWhenCountedThenAtMost300Lines() {
		assertThat(readmeTooLong(this.root)).isEmpty();
	}

	@Test
	void linksWhenFollowedThenEveryFileAndHeadingExists() {
		assertThat(brokenLinks(this.root)).isEmpty();
	}

	@Test
	void configurationPageWhenComparedWithTheMetadataThenEveryPropertyAndNoOther() {
		Path module = this.root.resolve("withings-spring-boot-autoconfigure");
		Path generated = module.resolve("target/classes/META-INF/spring-configuration-metadata.json");
		Path additional = module.resolve("src/main/resources/META-INF/additional-spring-configuration-metadata.json");
		assertThat(generated).as("the configuration processor's output (compile the module first)").exists();
		assertThat(propertyDrift(this.root, List.of(generated, additional))).isEmpty();
	}

	@Test
	void classNamesWhenLookedUpThenEveryOneExists() {
		assertThat(missingClasses(this.root)).isEmpty();
	}

	@Test
	void testNamesWhenSearchedThenOnlyOnTheGuaranteesPage() {
		assertThat(misplacedTestNames(this.root)).isEmpty();
	}

	@Test
	void htmlCommentsWhenScannedThenEveryOneIsClosed() {
		assertThat(unbalancedComments(this.root)).isEmpty();
	}

	@Test
	void readmeTooLongWhen301LinesThenReported(@TempDir Path copy) {
		write(copy, "README.md", "line\n".repeat(README_MAX_LINES));
		assertThat(readmeTooLong(copy)).isEmpty();
		write(copy, "README.md", "line\n".repeat(README_MAX_LINES + 1));
		assertThat(readmeTooLong(copy)).singleElement().asString().contains("301 lines");
	}

	@Test
	void brokenLinksWhenAFileOrAHeadingIsMissingThenReported(@TempDir Path copy) {
		write(copy, "README.md", """
				# Title

				See [the store](docs/stores.md#your-database-the-stores-tables), [twice](docs/stores.md#limits-1),
				[here](#title), [Spring](https://spring.io) and ![a picture](docs/picture.png).
				See [a page that is not there](docs/missing.md) and [a heading that is not there](docs/stores.md#nope).

				```
				[in code](not-a-link.md)
				```
				""");
		write(copy, "docs/stores.md", "# Stores\n\n## Your database: the `store`'s tables\n\n## Limits\n\n## Limits\n");
		write(copy, "docs/picture.png", "png");
		assertThat(brokenLinks(copy)).containsExactlyInAnyOrder("README.md: docs/missing.md (no such file)",
				"README.md: docs/stores.md#nope (no such heading)");
	}

	@Test
	void propertyDriftWhenThePageMissesOneOrNamesAnUnknownOneThenReported(@TempDir Path copy) {
		write(copy, "metadata.json", """
				{"groups": [{"name": "withings.store"}],
				 "properties": [{"name": "withings.store.type"}, {"name": "withings.demo-mode"}, {"name": "spring.other"}]}
				""");
		write(copy, "additional.json", "{\"properties\": [{\"name\": \"withings.api.enabled\"}]}");
		write(copy, CONFIGURATION_PAGE, """
				| `withings.store.type` | `memory` | where; see `withings.keep-alive.*` |
				| `withings.api.enabled` | `true` | the API |
				| `withings.store.tipe` | | a typo |
				""");
		assertThat(propertyDrift(copy, List.of(copy.resolve("metadata.json"), copy.resolve("additional.json"))))
			.containsExactlyInAnyOrder(CONFIGURATION_PAGE + ": withings.demo-mode is in the metadata but not on the page",
					CONFIGURATION_PAGE + ": withings.store.tipe is on the page but in no metadata");
	}

	@Test
	void missingClassesWhenTheDocsNameAClassOrATestThatDoesNotExistThenReported(@TempDir Path copy) {
		write(copy, "lib/src/main/java/io/example/WithingsThing.java", "class WithingsThing {}");
		write(copy, "lib/target/classes/WithingsGhost.java", "class WithingsGhost {}");
		write(copy, "docs/page.md", """
				`WithingsThing.call()`, `WithingsGhost`, `WithingsPhantomTests`, `*BlockHoundTests`, `-DskipTests`.

				```java
				class WithingsExample {
					WithingsThing thing;
				}
				```
				""");
		write(copy, "CHANGELOG.md", "`WithingsDeletedClass` is gone.");
		assertThat(missingClasses(copy)).containsExactlyInAnyOrder("docs/page.md: WithingsGhost",
				"docs/page.md: WithingsPhantomTests");
	}

	@Test
	void misplacedTestNamesWhenATestIsNamedOutsideTheGuaranteesPageThenReported(@TempDir Path copy) {
		write(copy, "lib/src/test/java/io/example/WithingsThingTests.java", "class WithingsThingTests {}");
		write(copy, "docs/guarantees.md", "`WithingsThingTests` proves it.");
		write(copy, "CONTRIBUTING.md", "Run `WithingsThingTests`.");
		write(copy, "docs/page.md", "Proven by WithingsThingTests. Your own `MySignInTests` is fine.");
		assertThat(misplacedTestNames(copy)).containsExactly("docs/page.md: WithingsThingTests");
	}

	@Test
	void unbalancedCommentsWhenACommentIsNotClosedOrNotOpenedThenReported(@TempDir Path copy) {
		write(copy, "README.md", "<!-- a note -->\ntext\n");
		write(copy, "docs/open.md", "<!-- left open\n# Heading\n");
		write(copy, "docs/close.md", "# Heading\n a leftover -->\n");
		assertThat(unbalancedComments(copy)).containsExactlyInAnyOrder("docs/open.md: <!-- never closed",
				"docs/close.md: --> without <!-- on line 2");
	}

	static List<String> readmeTooLong(Path root) {
		long lines = read(root.resolve("README.md")).lines().count();
		return (lines <= README_MAX_LINES) ? List.of()
				: List.of("README.md has " + lines + " lines, more than " + README_MAX_LINES);
	}

	static List<String> brokenLinks(Path root) {
		List<String> problems = new ArrayList<>();
		Map<Path, Set<String>> headings = new HashMap<>();
		for (Path file : documents(root)) {
			Matcher link = LINK.matcher(withoutCode(read(file)));
			while (link.find()) {
				String target = link.group(1);
				if (SCHEME.matcher(target).find()) {
					continue;
				}
				int hash = target.indexOf('#');
				String path = (hash < 0) ? target : target.substring(0, hash);
				Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
				if (!Files.exists(resolved)) {
					problems.add(relative(root, file) + ": " + target + " (no such file)");
				}
				else if (hash >= 0 && resolved.toString().endsWith(".md")
						&& !headings.computeIfAbsent(resolved, DocumentationTests::anchors)
							.contains(target.substring(hash + 1))) {
					problems.add(relative(root, file) + ": " + target + " (no such heading)");
				}
			}
		}
		return problems;
	}

	static List<String> propertyDrift(Path root, List<Path> metadata) {
		Set<String> known = new TreeSet<>();
		JsonMapper json = JsonMapper.builder().build();
		for (Path file : metadata) {
			for (JsonNode property : json.readTree(read(file)).path("properties")) {
				String name = property.path("name").asString();
				if (name.startsWith("withings.")) {
					known.add(name);
				}
			}
		}
		Set<String> documented = new TreeSet<>();
		Matcher code = INLINE_CODE.matcher(read(root.resolve(CONFIGURATION_PAGE)));
		while (code.find()) {
			if (PROPERTY.matcher(code.group(1)).matches()) {
				documented.add(code.group(1));
			}
		}
		List<String> problems = new ArrayList<>();
		known.stream()
			.filter((name) -> !documented.contains(name))
			.forEach((name) -> problems.add(CONFIGURATION_PAGE + ": " + name + " is in the metadata but not on the page"));
		documented.stream()
			.filter((name) -> !known.contains(name))
			.forEach((name) -> problems.add(CONFIGURATION_PAGE + ": " + name + " is on the page but in no metadata"));
		return problems;
	}

	static List<String> missingClasses(Path root) {
		Set<String> classes = javaFiles(root, false);
		List<String> problems = new ArrayList<>();
		for (Path file : documents(root)) {
			if (CLASS_NAMES_NOT_CHECKED.contains(relative(root, file))) {
				continue;
			}
			String text = read(file);
			Set<String> declared = matches(DECLARED, text);
			StringBuilder code = new StringBuilder();
			Matcher fence = FENCE.matcher(text);
			while (fence.find()) {
				code.append(fence.group()).append('\n');
			}
			Matcher inline = INLINE_CODE.matcher(withoutCode(text));
			while (inline.find()) {
				code.append(inline.group(1)).append('\n');
			}
			for (String name : matches(CLASS_NAME, code.toString())) {
				if (!classes.contains(name) && !declared.contains(name)) {
					problems.add(relative(root, file) + ": " + name);
				}
			}
		}
		return problems;
	}

	static List<String> misplacedTestNames(Path root) {
		Set<String> tests = javaFiles(root, true);
		List<String> problems = new ArrayList<>();
		for (Path file : documents(root)) {
			String name = relative(root, file);
			if (TEST_NAMES_ALLOWED.contains(name) || name.startsWith("samples/")) {
				continue;
			}
			for (String test : matches(TEST_NAME, read(file))) {
				if (tests.contains(test)) {
					problems.add(name + ": " + test);
				}
			}
		}
		return problems;
	}

	static List<String> unbalancedComments(Path root) {
		List<String> problems = new ArrayList<>();
		for (Path file : documents(root)) {
			String text = read(file);
			Matcher mark = COMMENT_MARK.matcher(text);
			boolean open = false;
			while (mark.find()) {
				boolean opening = mark.group().equals("<!--");
				if (opening == open) {
					long line = text.substring(0, mark.start()).chars().filter((c) -> c == '\n').count() + 1;
					problems.add(relative(root, file) + ": " + mark.group() + (opening ? " inside a comment" : " without <!--")
							+ " on line " + line);
				}
				open = opening;
			}
			if (open) {
				problems.add(relative(root, file) + ": <!-- never closed");
			}
		}
		return problems;
	}

	/**
	 * The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, spaces as
	 * hyphens, a repeated heading suffixed {@code -1}, {@code -2}, ...
	 */
	static Set<String> anchors(Path file) {
		Set<String> anchors = new LinkedHashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		for (String line : withoutCode(read(file)).split("\n")) {
			Matcher heading = HEADING.matcher(line);
			if (heading.matches()) {
				String text = heading.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
				String slug = text.toLowerCase(Locale.ROOT)
					.replaceAll("(?U)[^\\w\\- ]", "")
					.replace(' ', '-');
				int count = seen.merge(slug, 1, Integer::sum);
				anchors.add((count == 1) ? slug : slug + "-" + (count - 1));
			}
		}
		return anchors;
	}

	/** README.md, CONTRIBUTING.md, CHANGELOG.md, docs/**.md (but others' pending notes) and samples' READMEs. */
	static List<Path> documents(Path root) {
		List<Path> documents = new ArrayList<>();
		for (String name : List.of("README.md", "CONTRIBUTING.md", "CHANGELOG.md")) {
			if (Files.exists(root.resolve(name))) {
				documents.add(root.resolve(name));
			}
		}
		for (Path file : walk(root)) {
			String name = relative(root, file);
			if ((name.startsWith("docs/") && name.endsWith(".md") && !name.startsWith("docs/pending/"))
					|| (name.startsWith("samples/") && file.getFileName().toString().equals("README.md"))) {
				documents.add(file);
			}
		}
		return documents;
	}

	/** The simple names of the repository's .java files (only those under src/test/java when asked). */
	static Set<String> javaFiles(Path root, boolean testsOnly) {
		Set<String> names = new TreeSet<>();
		for (Path file : walk(root)) {
			String name = file.getFileName().toString();
			if (name.endsWith(".java") && (!testsOnly || relative(root, file).contains("src/test/java/"))) {
				names.add(name.substring(0, name.length() - ".java".length()));
			}
		}
		return names;
	}

	private static List<Path> walk(Path root) {
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter(Files::isRegularFile).filter((file) -> {
				for (Path part : root.relativize(file)) {
					String name = part.toString();
					if (name.equals("target") || name.equals("node_modules") || name.startsWith(".")) {
						return false;
					}
				}
				return true;
			}).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The text with its fenced code blocks blanked out, line for line. */
	private static String withoutCode(String text) {
		Matcher fence = FENCE.matcher(text);
		StringBuilder kept = new StringBuilder();
		while (fence.find()) {
			fence.appendReplacement(kept, Matcher.quoteReplacement("\n".repeat((int) fence.group().lines().count())));
		}
		fence.appendTail(kept);
		return kept.toString();
	}

	private static Set<String> matches(Pattern pattern, String text) {
		Set<String> found = new TreeSet<>();
		Matcher matcher = pattern.matcher(text);
		while (matcher.find()) {
			found.add(matcher.group(1));
		}
		return found;
	}

	private static String relative(Path root, Path file) {
		return root.relativize(file).toString().replace('\\', '/');
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void write(Path root, String name, String text) {
		try {
			Path file = root.resolve(name);
			Files.createDirectories(file.getParent());
			Files.writeString(file, text, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The repository's root, found upwards from the module's directory (the tests' working directory). */
	private static Path repositoryRoot() {
		for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.exists(dir.resolve("withings-spring-boot-autoconfigure/pom.xml"))
					&& Files.exists(dir.resolve("README.md"))) {
				return dir;
			}
		}
		throw new IllegalStateException("No repository root above " + Paths.get("").toAbsolutePath());
	}

}
