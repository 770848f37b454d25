"""Commercial gestures (slide 10): asked with evidence, validated, processed by the BO."""
