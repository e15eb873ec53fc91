/**
 * The auto-configuration of the actuator features: the {@code withings} health contributor, the
 * {@code /actuator/withings} endpoint and the meters, one auto-configuration each.
 */
package io.github.springwithings.autoconfigure.actuate;
