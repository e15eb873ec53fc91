package io.github.springwithings.simulator.test;

import java.util.List;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Creates a {@link WithingsSimulatorContextCustomizer} for test classes annotated with
 * {@link AutoConfigureWithingsSimulator} (directly, as a meta-annotation, or on an enclosing class).
 * Registered in {@code META-INF/spring.factories}.
 */
final class WithingsSimulatorContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureWithingsSimulator annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureWithingsSimulator.class);
		if (annotation == null) {
			return null;
		}
		return new WithingsSimulatorContextCustomizer(annotation.registrationId(), annotation.port());
	}

}
