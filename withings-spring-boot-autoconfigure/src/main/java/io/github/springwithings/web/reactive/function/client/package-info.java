/**
 * Withings for Spring's {@code WebClient}: the exchange filter function that authorizes, reads
 * Withings' envelope and takes the rate budget's permits without holding a thread.
 */
package io.github.springwithings.web.reactive.function.client;
