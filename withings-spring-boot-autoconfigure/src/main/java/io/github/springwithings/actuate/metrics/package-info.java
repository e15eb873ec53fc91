/**
 * The {@code withings.*} Micrometer meters over the starter's counts.
 */
package io.github.springwithings.actuate.metrics;
