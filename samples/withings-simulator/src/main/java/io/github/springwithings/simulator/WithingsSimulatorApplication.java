package io.github.springwithings.simulator;

import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the simulator on its own: {@code java ... WithingsSimulatorApplication [port [clientId clientSecret]]}
 * (defaults: 8090 and {@link WithingsSimulator#DEFAULT_CLIENT_ID}/{@link WithingsSimulator#DEFAULT_CLIENT_SECRET}).
 */
public final class WithingsSimulatorApplication {

	private static final Logger logger = LoggerFactory.getLogger(WithingsSimulatorApplication.class);

	private WithingsSimulatorApplication() {
	}

	public static void main(String[] args) throws InterruptedException {
		int port = (args.length > 0) ? Integer.parseInt(args[0]) : 8090;
		WithingsSimulator simulator = WithingsSimulator.start(port);
		if (args.length > 2) {
			simulator.registerClient(args[1], args[2]);
		}
		logger.info("Withings simulator listening on {} (api-base-uri and account-base-uri)", simulator.baseUrl());
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			simulator.stop();
			stopped.countDown();
		}));
		stopped.await();
	}

}
