package io.github.springwithings.simulator.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points the application under test at a {@link io.github.springwithings.simulator.WithingsSimulator
 * Withings simulator} started for its application context (a Spring test, e.g. {@code @SpringBootTest}):
 * the simulator listens on a free port, the registration's {@code client-id} and {@code client-secret}
 * and {@code withings.api-base-uri} / {@code withings.account-base-uri} are set at the highest
 * precedence, the simulator is the bean {@code withingsSimulator} (inject {@code WithingsSimulator}
 * to move its clock, read its counters, inject faults, revoke users) and it stops with the context.
 *
 * <pre class="code">
 * &#64;SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
 * &#64;AutoConfigureWithingsSimulator
 * class MyAppTests {
 *
 *     &#64;Autowired
 *     WithingsSimulator withings;
 * }
 * </pre>
 *
 * Test classes with the same attributes share one cached context and so one simulator: it is
 * {@link io.github.springwithings.simulator.WithingsSimulator#reset() reset} after each test method
 * unless {@link #resetAfterEachTest()} is {@code false}. Consents approve at once, each one a new
 * Withings user unless an account is chosen ({@code login_hint}, {@code consentAs}, or
 * {@link io.github.springwithings.simulator.SimulatedBrowser#signIn(String, String)}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureWithingsSimulator {

	/**
	 * The id of the Withings client registration to configure
	 * ({@code spring.security.oauth2.client.registration.<id>.*}). A registration with another id
	 * also gets {@code provider=withings}.
	 * @return the registration id
	 */
	String registrationId() default "withings";

	/**
	 * The simulator's port, {@code 0} for a free one.
	 * @return the port
	 */
	int port() default 0;

	/**
	 * Whether the simulator is reset (tokens, counters, faults, clock, consent choices) after each
	 * test method, so that tests sharing a cached context do not see each other's traces.
	 * @return whether to reset after each test method
	 */
	boolean resetAfterEachTest() default true;

}
