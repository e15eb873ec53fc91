package io.github.springwithings.aot;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import io.github.springwithings.autoconfigure.WithingsKeepAliveProperties;
import io.github.springwithings.autoconfigure.WithingsNotificationProperties;
import io.github.springwithings.autoconfigure.WithingsProperties;
import io.github.springwithings.autoconfigure.WithingsRateLimitProperties;
import io.github.springwithings.autoconfigure.WithingsReactiveProperties;
import io.github.springwithings.autoconfigure.WithingsStoreProperties;
import io.github.springwithings.autoconfigure.actuate.WithingsHealthProperties;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithingsRuntimeHints}: registered through {@code aot.factories}; every resource the
 * starter ships under its schema location (found on the class path, so a new one cannot be
 * forgotten), its properties and their nested types, and every class it lists in
 * {@code spring.factories}.
 */
class WithingsRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	WithingsRuntimeHintsTests() {
		new WithingsRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void aotFactoriesWhenLoadedThenTheRegistrarIsListed() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).hasAtLeastOneElementOfType(WithingsRuntimeHints.class);
	}

	@Test
	void registerHintsWhenAnyShippedSchemaResourceThenItIsIncluded() throws IOException {
		Resource[] shipped = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:" + WithingsRuntimeHints.SCHEMA_LOCATION + "/**/*.*");

		assertThat(shipped).extracting(Resource::getFilename)
			.contains("R__withings_schema.sql", "withings-changelog.xml");
		for (Resource resource : shipped) {
			String path = resource.getURL().toString();
			String relative = path.substring(path.indexOf(WithingsRuntimeHints.SCHEMA_LOCATION));
			assertThat(RuntimeHintsPredicates.resource().forResource(relative)).as(relative).accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.resource().forResource("io/github/springwithings/other.txt"))
			.rejects(this.hints);
	}

	@Test
	void registerHintsWhenPropertiesThenTheyAndTheirNestedTypesCanBeBound() {
		for (Class<?> type : List.of(WithingsProperties.class, WithingsProperties.Http.class,
				WithingsRateLimitProperties.class,
				WithingsKeepAliveProperties.class, WithingsStoreProperties.class, WithingsNotificationProperties.class,
				WithingsHealthProperties.class, WithingsReactiveProperties.class,
				OAuth2ClientProperties.Registration.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(this.hints);
		}
	}

	@Test
	void registerHintsWhenSpringFactoriesThenEveryListedClassCanBeInstantiated() throws IOException {
		Properties factories = PropertiesLoaderUtils
			.loadProperties(new ClassPathResource("META-INF/spring.factories"));
		List<String> classes = factories.values()
			.stream()
			.flatMap((value) -> Arrays.stream(StringUtils.commaDelimitedListToStringArray((String) value)))
			.map(String::trim)
			.filter((name) -> name.startsWith("io.github.springwithings"))
			.toList();

		assertThat(classes).isNotEmpty();
		for (String name : classes) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(TypeReference.of(name))
				.withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).as(name).accepts(this.hints);
		}
	}

}
