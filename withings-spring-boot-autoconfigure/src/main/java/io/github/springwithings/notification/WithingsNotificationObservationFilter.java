package io.github.springwithings.notification;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;

import org.springframework.util.Assert;

/**
 * Masks the notification callback's secret in every observation: Spring's server request
 * observations (Spring MVC's {@code ServerHttpObservationFilter}, WebFlux's
 * {@code HttpWebHandlerAdapter}) put the request's path into the high-cardinality key
 * {@code http.url}, which tracing exports as a span tag. Every key value, low or high cardinality,
 * that contains the callback's path gets the path with its last segment as {@code ****}, before
 * any handler (tracing, metrics) reads the stopped observation. Registered by the
 * auto-configuration: Spring Boot applies {@link ObservationFilter} beans to its registry.
 */
public final class WithingsNotificationObservationFilter implements ObservationFilter {

	private final String path;

	private final String masked;

	/**
	 * @param path the local path of the callback (starting with {@code /}), whose last segment is
	 * the secret
	 */
	public WithingsNotificationObservationFilter(String path) {
		Assert.isTrue(path != null && path.startsWith("/") && path.length() > 1,
				"path must start with '/' and name a segment");
		this.path = path;
		this.masked = WithingsNotificationReceiver.mask(path);
	}

	@Override
	public Observation.Context map(Observation.Context context) {
		for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
			if (keyValue.getValue().contains(this.path)) {
				context.addLowCardinalityKeyValue(KeyValue.of(keyValue.getKey(), mask(keyValue.getValue())));
			}
		}
		for (KeyValue keyValue : context.getHighCardinalityKeyValues()) {
			if (keyValue.getValue().contains(this.path)) {
				context.addHighCardinalityKeyValue(KeyValue.of(keyValue.getKey(), mask(keyValue.getValue())));
			}
		}
		String contextualName = context.getContextualName();
		if (contextualName != null && contextualName.contains(this.path)) {
			context.setContextualName(mask(contextualName));
		}
		return context;
	}

	private String mask(String value) {
		return value.replace(this.path, this.masked);
	}

}
