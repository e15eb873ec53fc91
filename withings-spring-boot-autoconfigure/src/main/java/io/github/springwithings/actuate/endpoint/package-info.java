/**
 * The {@code /actuator/withings} endpoint: counts and times of the starter's work, never a token,
 * a secret or a Withings user id.
 */
package io.github.springwithings.actuate.endpoint;
