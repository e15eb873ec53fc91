package io.github.springwithings.sync;

import java.time.Instant;
import java.util.List;

import org.springframework.core.ResolvableType;
import org.springframework.core.ResolvableTypeProvider;
import org.springframework.util.Assert;

/**
 * New and changed records of one kind for one user, fetched by the data sync. Typed by its
 * records, so that a listener receives only its kind:
 *
 * <pre class="code">
 * &#64;EventListener
 * void on(WithingsDataSyncedEvent&lt;WithingsMeasureGroup&gt; event) {
 *     event.records().forEach((group) -&gt; weights.upsert(event.userId(), group.id(), group));
 * }
 * </pre>
 *
 * Published only when there are records, on the sync's worker thread. The cursor moves to
 * {@link #lastUpdate()} only after every listener returned: a listener that throws gets the same
 * records again later, and a crash between the publication and the move too. Delivery is at least
 * once: listeners must be idempotent on Withings' own ids ({@code grpid} for measure groups, the
 * day for activity, {@code id} for nights and workouts, the timestamp or {@code signalid} for ECG
 * recordings).
 *
 * @param registrationId the Withings registration the user is linked through
 * @param userId the Withings user id
 * @param principalName the principal the link is stored under
 * @param kind the kind of the records
 * @param records the new and changed records, in Withings' order
 * @param lastUpdate the cursor the sync moves to once the listeners returned
 * @param announced whether a notification asked for this fetch ({@code false} for the backstop)
 * @param <T> the record type ({@link WithingsDataKind#recordType()})
 */
public record WithingsDataSyncedEvent<T>(String registrationId, String userId, String principalName,
		WithingsDataKind kind, List<T> records, Instant lastUpdate, boolean announced) implements ResolvableTypeProvider {

	/**
	 * Creates an event; the records are copied.
	 * @param registrationId the Withings registration the user is linked through
	 * @param userId the Withings user id
	 * @param principalName the principal the link is stored under
	 * @param kind the kind of the records
	 * @param records the new and changed records, in Withings' order
	 * @param lastUpdate the cursor the sync moves to once the listeners returned
	 * @param announced whether a notification asked for this fetch
	 */
	public WithingsDataSyncedEvent {
		Assert.hasText(registrationId, "registrationId cannot be empty");
		Assert.hasText(userId, "userId cannot be empty");
		Assert.hasText(principalName, "principalName cannot be empty");
		Assert.notNull(kind, "kind cannot be null");
		Assert.notNull(records, "records cannot be null");
		Assert.notNull(lastUpdate, "lastUpdate cannot be null");
		records = List.copyOf(records);
	}

	@Override
	public ResolvableType getResolvableType() {
		return ResolvableType.forClassWithGenerics(WithingsDataSyncedEvent.class, this.kind.recordType());
	}

}
