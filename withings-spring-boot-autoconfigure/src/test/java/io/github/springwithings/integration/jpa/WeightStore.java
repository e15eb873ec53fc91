package io.github.springwithings.integration.jpa;

import java.time.Instant;
import java.util.Optional;

import io.github.springwithings.api.WithingsMeasure;
import io.github.springwithings.api.WithingsMeasureGroup;
import io.github.springwithings.api.WithingsMeasures;
import io.github.springwithings.oauth2.client.WithingsUserDisconnectedEvent;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** The application's own writes: short transactions, never open while Withings is called. */
@Service
public class WeightStore {

	private final WeightRepository weights;

	WeightStore(WeightRepository weights) {
		this.weights = weights;
	}

	@Transactional(readOnly = true)
	public Optional<Instant> lastMeasuredAt(String withingsUserId) {
		return this.weights.lastMeasuredAt(withingsUserId);
	}

	/** One user's new weighings, all or nothing. Idempotent: a weighing already kept is skipped. */
	@Transactional
	public int save(String withingsUserId, WithingsMeasures measures) {
		int saved = 0;
		for (WithingsMeasureGroup group : measures.groups()) {
			var weight = group.measure(WithingsMeasure.WEIGHT);
			if (weight.isPresent() && !this.weights.existsByWithingsUserIdAndMeasuredAt(withingsUserId, group.date())) {
				this.weights.save(new Weight(withingsUserId, group.date(), weight.get().value()));
				saved++;
			}
		}
		return saved;
	}

	/**
	 * The user disconnected: their health data goes too, in a transaction of its own (the event
	 * arrives on the thread that disconnected, maybe inside its transaction).
	 */
	@EventListener
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void forget(WithingsUserDisconnectedEvent event) {
		this.weights.deleteByWithingsUserId(event.user().userId());
	}

}
