package io.github.springwithings.sync;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

import io.github.springwithings.api.WithingsActivity;
import io.github.springwithings.api.WithingsHeartRecording;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.api.WithingsSleepSummary;
import io.github.springwithings.api.WithingsWorkout;
import io.github.springwithings.notification.WithingsAppli;

/**
 * A kind of Withings data the sync keeps up to date: the scope it needs, the notification
 * categories ({@code appli}) that announce it, and the record type its
 * {@link WithingsDataSyncedEvent} carries.
 */
public enum WithingsDataKind {

	/** Measure groups ({@code measure getmeas}): weight, body composition, blood pressure, temperature, glucose. */
	MEASURES("user.metrics", WithingsMeasureGroup.class,
			EnumSet.of(WithingsAppli.WEIGHT, WithingsAppli.TEMPERATURE, WithingsAppli.PRESSURE, WithingsAppli.GLUCOSE)),

	/** Days of activity ({@code v2/measure getactivity}). */
	ACTIVITY("user.activity", WithingsActivity.class, EnumSet.of(WithingsAppli.ACTIVITY)),

	/** Nights ({@code v2/sleep getsummary}). */
	SLEEP_SUMMARIES("user.activity", WithingsSleepSummary.class, EnumSet.of(WithingsAppli.SLEEP)),

	/** Workouts ({@code v2/measure getworkouts}), announced with activity. */
	WORKOUTS("user.activity", WithingsWorkout.class, EnumSet.of(WithingsAppli.ACTIVITY)),

	/**
	 * ECG recordings ({@code v2/heart list}). Withings' {@code list} has no {@code lastupdate}: they
	 * are fetched by their timestamp, after the last one seen.
	 */
	HEART_RECORDINGS("user.activity", WithingsHeartRecording.class, EnumSet.of(WithingsAppli.ECG));

	private final String scope;

	private final Class<?> recordType;

	private final Set<WithingsAppli> applis;

	WithingsDataKind(String scope, Class<?> recordType, Set<WithingsAppli> applis) {
		this.scope = scope;
		this.recordType = recordType;
		this.applis = applis;
	}

	/**
	 * {@return the scope a user must have granted for this kind to be synced}
	 */
	public String scope() {
		return this.scope;
	}

	/**
	 * {@return the type of the records of this kind (the type argument of its event)}
	 */
	public Class<?> recordType() {
		return this.recordType;
	}

	/**
	 * {@return the notification categories that announce new data of this kind}
	 */
	public Set<WithingsAppli> applis() {
		return EnumSet.copyOf(this.applis);
	}

	/**
	 * Whether a notification of this category announces data of this kind.
	 * @param appli the category
	 * @return {@code true} when it does
	 */
	public boolean isAnnouncedBy(WithingsAppli appli) {
		return this.applis.contains(appli);
	}

	/**
	 * Whether granted scopes allow this kind.
	 * @param scopes the granted scopes
	 * @return {@code true} when they include {@link #scope()}
	 */
	public boolean isAllowedBy(Collection<String> scopes) {
		return scopes != null && scopes.contains(this.scope);
	}

	/**
	 * When Withings last changed a record of this kind: its {@code modified}, for ECG recordings
	 * without one their {@code timestamp}.
	 * @param record a record of this kind
	 * @return the instant, {@code null} when the record has none
	 */
	public Instant modified(Object record) {
		if (record instanceof WithingsMeasureGroup group) {
			return group.modified();
		}
		if (record instanceof WithingsActivity activity) {
			return activity.modified();
		}
		if (record instanceof WithingsSleepSummary night) {
			return night.modified();
		}
		if (record instanceof WithingsWorkout workout) {
			return workout.modified();
		}
		if (record instanceof WithingsHeartRecording recording) {
			return (this == HEART_RECORDINGS) ? recording.timestamp() : recording.modified();
		}
		return null;
	}

}
