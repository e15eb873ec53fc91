package io.github.springwithings.simulator.test;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.List;
import java.util.Map;

import io.github.springwithings.simulator.WithingsSimulator;
import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The customizer behind {@link AutoConfigureWithingsSimulator}: when it applies, how it caches,
 * what it sets up and tears down.
 */
class WithingsSimulatorContextCustomizerTests {

	private final WithingsSimulatorContextCustomizerFactory factory = new WithingsSimulatorContextCustomizerFactory();

	@Test
	void createContextCustomizerWhenNotAnnotatedThenNone() {
		assertThat(this.factory.createContextCustomizer(Plain.class, List.of())).isNull();
	}

	@Test
	void createContextCustomizerWhenSameAttributesThenEqualSoTheContextIsShared() {
		ContextCustomizer first = this.factory.createContextCustomizer(Annotated.class, List.of());
		ContextCustomizer second = this.factory.createContextCustomizer(AlsoAnnotated.class, List.of());
		ContextCustomizer meta = this.factory.createContextCustomizer(MetaAnnotated.class, List.of());
		ContextCustomizer other = this.factory.createContextCustomizer(OtherRegistration.class, List.of());
		ContextCustomizer noReset = this.factory.createContextCustomizer(NoReset.class, List.of());

		assertThat(first).isNotNull().isEqualTo(second).hasSameHashCodeAs(second).isEqualTo(meta).isEqualTo(noReset);
		assertThat(first).isNotEqualTo(other);
		assertThat(this.factory.createContextCustomizer(Annotated.Inner.class, List.of())).isEqualTo(first);
	}

	@Test
	void customizeContextWhenAppliedThenSimulatorBeanAndPropertiesFirstAndStoppedOnClose() {
		WithingsSimulatorContextCustomizer customizer = new WithingsSimulatorContextCustomizer("withings", 0);
		GenericApplicationContext context = new GenericApplicationContext();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("app", Map.of("withings.api-base-uri", "https://wbsapi.withings.net")));

		customizer.customizeContext(context, null);
		context.refresh();
		WithingsSimulator simulator = context.getBean("withingsSimulator", WithingsSimulator.class);

		assertThat(simulator.isRunning()).isTrue();
		assertThat(context.getEnvironment().getProperty("withings.api-base-uri")).isEqualTo(simulator.baseUrl());
		assertThat(context.getEnvironment().getProperty("withings.account-base-uri")).isEqualTo(simulator.baseUrl());
		assertThat(context.getEnvironment()
			.getProperty("spring.security.oauth2.client.registration.withings.client-id")).isEqualTo("simulator-client-id");
		assertThat(context.getEnvironment()
			.getProperty("spring.security.oauth2.client.registration.withings.client-secret"))
			.isEqualTo("simulator-client-secret");
		assertThat(context.getEnvironment().containsProperty("spring.security.oauth2.client.registration.withings.provider"))
			.isFalse();
		context.close();
		assertThat(simulator.isRunning()).isFalse();
	}

	@Test
	void customizeContextWhenAppliedThenNoncePrefetchOffUnlessTheTestTurnsItOn() {
		WithingsSimulatorContextCustomizer customizer = new WithingsSimulatorContextCustomizer("withings", 0);
		GenericApplicationContext off = new GenericApplicationContext();
		customizer.customizeContext(off, null);
		GenericApplicationContext on = new GenericApplicationContext();
		on.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("withings.nonce.prefetch", "true")));
		customizer.customizeContext(on, null);
		off.refresh();
		on.refresh();

		assertThat(off.getEnvironment().getProperty("withings.nonce.prefetch")).isEqualTo("false");
		assertThat(on.getEnvironment().getProperty("withings.nonce.prefetch")).isEqualTo("true");
		off.close();
		on.close();
	}

	@Test
	void customizeContextWhenContextFailsToRefreshThenSimulatorStopped() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.registerBean("broken", Object.class, () -> {
			throw new IllegalStateException("broken");
		});
		new WithingsSimulatorContextCustomizer("withings", 0).customizeContext(context, null);
		WithingsSimulator simulator = context.getBeanFactory().getBean(WithingsSimulator.class);

		assertThatException().isThrownBy(context::refresh);

		assertThat(simulator.isRunning()).isFalse();
	}

	@Test
	void propertiesWhenOtherRegistrationIdThenItsPropertiesAndProviderWithings() {
		WithingsSimulatorContextCustomizer customizer = new WithingsSimulatorContextCustomizer("health", 0);

		assertThat(customizer.properties("http://127.0.0.1:1234"))
			.containsEntry("spring.security.oauth2.client.registration.health.client-id", "simulator-client-id")
			.containsEntry("spring.security.oauth2.client.registration.health.client-secret", "simulator-client-secret")
			.containsEntry("spring.security.oauth2.client.registration.health.provider", "withings")
			.containsEntry("withings.api-base-uri", "http://127.0.0.1:1234")
			.containsEntry("withings.account-base-uri", "http://127.0.0.1:1234")
			.hasSize(5);
	}

	static class Plain {

	}

	@AutoConfigureWithingsSimulator
	static class Annotated {

		class Inner {

		}

	}

	@AutoConfigureWithingsSimulator(registrationId = "withings")
	static class AlsoAnnotated {

	}

	@AutoConfigureWithingsSimulator(resetAfterEachTest = false)
	static class NoReset {

	}

	@AutoConfigureWithingsSimulator(registrationId = "health")
	static class OtherRegistration {

	}

	@Retention(RetentionPolicy.RUNTIME)
	@AutoConfigureWithingsSimulator
	@interface MyTest {

	}

	@MyTest
	static class MetaAnnotated {

	}

}
