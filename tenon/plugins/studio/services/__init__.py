"""studio's domain functions: custom field definitions and values, conditions, flow rules, SLA clocks."""
