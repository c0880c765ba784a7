package dev.kairos.moduletest;

import dev.kairos.Event;
import java.lang.reflect.Method;

/**
 * What a user's module meets when it reaches for the runtime's internals by reflection: the class
 * loads, but neither making its {@code triggerNow} accessible nor calling it is allowed. Prints one
 * line per attempt, with the exception it met or {@code ALLOWED}.
 */
public final class ReachInside {

    private ReachInside() {}

    public static void main(String[] args) throws Exception {
        Class<?> impl = Class.forName("dev.kairos.internal.event.EventImpl");
        System.out.println("loaded " + impl.getName() + " from module " + impl.getModule().getName());
        Method trigger = impl.getDeclaredMethod("triggerNow");
        try {
            trigger.setAccessible(true);
            System.out.println("setAccessible ALLOWED");
        } catch (RuntimeException e) {
            System.out.println("setAccessible " + e.getClass().getName() + ": " + e.getMessage());
        }
        try {
            trigger.invoke(Event.NO_EVENT);
            System.out.println("invoke ALLOWED");
        } catch (IllegalAccessException e) {
            System.out.println("invoke " + e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
