/**
 * Spring test support for the Withings simulator: {@link AutoConfigureWithingsSimulator}. Needs
 * {@code spring-test} (from {@code spring-boot-starter-test}) on the test classpath.
 */
package io.github.springwithings.simulator.test;
