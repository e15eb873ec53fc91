package io.github.springwithings.starter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an application that depends on the starter gets on its classpath: the starter's compile and
 * runtime dependencies, transitive ones included, as Maven resolves them in this build
 * ({@code dependency:list}, written before the tests run). None may be a test library, an
 * in-memory database, a browser driver or one of this project's samples and simulator.
 */
class WithingsStarterDependenciesTests {

	/** {@code groupId:artifactId} of what must never reach a user's compile or runtime classpath. */
	private static final List<Pattern> FORBIDDEN = List.of(
			// this project's simulator and samples: only the auto-configuration is published
			Pattern.compile("io\\.github\\.springwithings:(?!withings-spring-boot-autoconfigure$).+"),
			Pattern.compile("org\\.wiremock:.+"), Pattern.compile("com\\.github\\.tomakehurst:.+"),
			Pattern.compile("org\\.junit(\\..+)?:.+"), Pattern.compile("junit:.+"),
			Pattern.compile("org\\.opentest4j:.+"), Pattern.compile("org\\.assertj:.+"),
			Pattern.compile("org\\.mockito:.+"), Pattern.compile("org\\.hamcrest:.+"),
			Pattern.compile("org\\.awaitility:.+"), Pattern.compile("org\\.skyscreamer:.+"),
			Pattern.compile("org\\.xmlunit:.+"), Pattern.compile("org\\.testcontainers:.+"),
			Pattern.compile("org\\.springframework:spring-test"),
			Pattern.compile("org\\.springframework\\.boot:spring-boot-(starter-)?test(-.+)?"),
			Pattern.compile("org\\.springframework\\.security:spring-security-test"),
			Pattern.compile("io\\.projectreactor:reactor-test"),
			Pattern.compile("io\\.projectreactor\\.tools:blockhound(-.+)?"),
			Pattern.compile("io\\.micrometer:micrometer-(observation-)?test"),
			// databases and drivers are the application's choice
			Pattern.compile("com\\.h2database:.+"), Pattern.compile("io\\.r2dbc:r2dbc-h2"),
			Pattern.compile("org\\.hsqldb:.+"), Pattern.compile("org\\.apache\\.derby:.+"),
			Pattern.compile("org\\.postgresql:.+"),
			// the samples' browser tests
			Pattern.compile("org\\.seleniumhq\\.selenium:.+"), Pattern.compile("org\\.htmlunit:.+"),
			Pattern.compile("net\\.sourceforge\\.htmlunit:.+"));

	@Test
	void starterWhenResolvedForCompileAndRuntimeThenHoldsNoTestSampleOrDatabaseDependency() throws IOException {
		List<String> dependencies = starterDependencies();
		assertThat(dependencies.stream().filter(WithingsStarterDependenciesTests::isForbidden))
			.as("test, sample or database dependencies in the starter's compile/runtime tree (%s)", dependencies)
			.isEmpty();
	}

	@Test
	void starterWhenResolvedThenBringsTheAutoConfigurationAndSpringSecurityOAuth2Client() throws IOException {
		assertThat(starterDependencies()).contains("io.github.springwithings:withings-spring-boot-autoconfigure",
				"org.springframework.security:spring-security-oauth2-client",
				"org.springframework.boot:spring-boot-security-oauth2-client", "com.bucket4j:bucket4j_jdk17-core");
	}

	@Test
	void forbiddenWhenTestOrSampleArtifactThenMatchedAndOtherwiseNot() {
		assertThat(List.of("io.github.springwithings:withings-simulator",
				"io.github.springwithings:withings-servlet-sample", "org.wiremock:wiremock-standalone",
				"org.junit.jupiter:junit-jupiter-api", "org.junit.platform:junit-platform-commons", "junit:junit",
				"com.h2database:h2", "io.r2dbc:r2dbc-h2", "org.seleniumhq.selenium:selenium-java",
				"org.springframework.boot:spring-boot-starter-test", "org.springframework.boot:spring-boot-test",
				"org.springframework.boot:spring-boot-test-autoconfigure", "org.springframework:spring-test",
				"io.projectreactor.tools:blockhound"))
			.allMatch(WithingsStarterDependenciesTests::isForbidden);
		assertThat(List.of("io.github.springwithings:withings-spring-boot-autoconfigure",
				"org.springframework:spring-web", "org.springframework.boot:spring-boot-starter-json",
				"io.micrometer:micrometer-observation", "org.springframework.boot:spring-boot-jdbc"))
			.noneMatch(WithingsStarterDependenciesTests::isForbidden);
	}

	private static boolean isForbidden(String groupAndArtifact) {
		return FORBIDDEN.stream().anyMatch((pattern) -> pattern.matcher(groupAndArtifact).matches());
	}

	/**
	 * The {@code groupId:artifactId} of each compile or runtime dependency, from the lines
	 * {@code   groupId:artifactId:type[:classifier]:version:scope[ -- module name]}.
	 */
	private static List<String> starterDependencies() throws IOException {
		String location = System.getProperty("withings.starter.dependencies");
		assertThat(location).as("system property withings.starter.dependencies (set by the starter's pom)").isNotNull();
		Path file = Path.of(location);
		assertThat(file).as("dependency:list output").exists();
		List<String[]> coordinates = Files.readAllLines(file)
			.stream()
			.map(String::strip)
			.filter((line) -> line.matches("[^\\s:]+:[^\\s:]+:.+"))
			.map((line) -> line.split("\\s", 2)[0].split(":"))
			.toList();
		assertThat(coordinates).as("dependencies listed in %s", file).isNotEmpty();
		assertThat(coordinates).allSatisfy((parts) -> assertThat(parts[parts.length - 1]).isIn("compile", "runtime"));
		return coordinates.stream().map((parts) -> parts[0] + ":" + parts[1]).toList();
	}

}
