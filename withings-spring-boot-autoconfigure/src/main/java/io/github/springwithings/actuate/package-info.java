/**
 * Spring Boot Actuator support: the {@code withings} health contributor, the {@code withings}
 * endpoint and the {@code withings.*} metrics, all counts and times, never a token, a secret or a
 * Withings user id.
 */
package io.github.springwithings.actuate;
