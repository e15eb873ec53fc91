package io.github.springwithings.simulator.test;

import io.github.springwithings.simulator.WithingsSimulator;

import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Resets the simulator of an {@link AutoConfigureWithingsSimulator} test after each test method
 * (unless {@link AutoConfigureWithingsSimulator#resetAfterEachTest()} is {@code false}). Registered
 * in {@code META-INF/spring.factories}; does nothing for other tests. Ordered to run before the
 * context of a {@code @DirtiesContext} test is closed.
 */
final class WithingsSimulatorTestExecutionListener extends AbstractTestExecutionListener {

	@Override
	public int getOrder() {
		return 10_000;
	}

	@Override
	public void afterTestMethod(TestContext testContext) {
		AutoConfigureWithingsSimulator annotation = TestContextAnnotationUtils
			.findMergedAnnotation(testContext.getTestClass(), AutoConfigureWithingsSimulator.class);
		if (annotation == null || !annotation.resetAfterEachTest() || !testContext.hasApplicationContext()) {
			return;
		}
		ApplicationContext context = testContext.getApplicationContext();
		if (context.containsBean(WithingsSimulatorContextCustomizer.BEAN_NAME)) {
			context.getBean(WithingsSimulatorContextCustomizer.BEAN_NAME, WithingsSimulator.class).reset();
		}
	}

}
