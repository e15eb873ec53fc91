package io.github.springwithings.notification;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.springwithings.api.WithingsApiException;
import io.github.springwithings.oauth2.client.WithingsLinkedUser;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The callback URL's secret segment in what the starter makes itself (review #3): a
 * subscription's {@code toString()}, a subscription failure's message (Withings' text could echo
 * the URL), and any key value of an observation once the starter's filter ran.
 */
class WithingsNotificationSecrecyTests {

	private static final String SECRET = "Tn5Gh7Vb3Mx9";

	private static final String URL = "https://app.example.com/withings/notifications/" + SECRET;

	@Test
	void toStringWhenSubscriptionThenCallbackUrlMasked() {
		assertThat(WithingsSubscription.of(1, URL, "weight"))
			.hasToString("WithingsSubscription[appli=WEIGHT, appliCode=1, "
					+ "callbackUrl=https://app.example.com/withings/notifications/****, comment=weight]");
		assertThat(WithingsSubscription.maskUrl("https://app.example.com/hook/" + SECRET + "/"))
			.isEqualTo("https://app.example.com/hook/****");
	}

	@Test
	void messageWhenWithingsEchoesTheCallbackUrlThenStatusAndFamilyOnly() {
		Map<Integer, RuntimeException> failures = new LinkedHashMap<>();
		failures.put(1, new WithingsApiException(293, "The callback URL " + URL + " is either absent or incorrect"));
		failures.put(46, new IllegalStateException("down: " + URL));

		WithingsSubscriptionException ex = new WithingsSubscriptionException(List.of(), failures);

		assertThat(ex.getMessage()).isEqualTo("Withings refused to subscribe appli [1, 46]: status 293 (INVALID_PARAMS)")
			.doesNotContain(SECRET);
		assertThat(ex.getStatus()).isEqualTo(293);
		assertThat(WithingsSubscriptionException.describe(failures.get(46))).isEqualTo("IllegalStateException");
		assertThat(new WithingsSubscriptionFailedEvent(
				new WithingsLinkedUser("withings", "alice", "36000501", Set.of("user.metrics"), null), List.of(1),
				failures.get(1), 3))
			.asString()
			.contains("cause=status 293 (INVALID_PARAMS)")
			.doesNotContain(SECRET);
	}

	@Test
	void mapWhenAKeyValueHoldsTheCallbackPathThenMaskedLowAndHighCardinality() {
		Observation.Context context = new Observation.Context();
		context.setContextualName("http post /withings/notifications/" + SECRET);
		context.addLowCardinalityKeyValue(KeyValue.of("uri", "/withings/notifications/" + SECRET));
		context.addLowCardinalityKeyValue(KeyValue.of("method", "POST"));
		context.addHighCardinalityKeyValue(KeyValue.of("http.url", "/app/withings/notifications/" + SECRET));

		new WithingsNotificationObservationFilter("/withings/notifications/" + SECRET).map(context);

		assertThat(context.getAllKeyValues()).extracting(KeyValue::getValue)
			.containsExactlyInAnyOrder("/withings/notifications/****", "POST", "/app/withings/notifications/****");
		assertThat(context.getContextualName()).isEqualTo("http post /withings/notifications/****");
	}

}
