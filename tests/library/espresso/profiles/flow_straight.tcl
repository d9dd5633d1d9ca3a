advanced_shot {{exit_if 0 flow 6.0 seconds 10 volume 250 transition fast temperature 94 name {stale pour-over} pressure 1 sensor coffee pump flow} {exit_if 0 flow 0 seconds 30 volume 0 transition fast temperature 94 name {stale bloom} pressure 1 sensor coffee pump flow} {exit_if 0 flow 4.0 seconds 60 volume 0 transition smooth temperature 94 name {stale pour} pressure 1 sensor coffee pump flow}}
author Decent
beverage_type espresso
espresso_decline_time 0
espresso_hold_time 40
espresso_pressure 8.6
espresso_temperature 90.0
espresso_temperature_0 92.0
espresso_temperature_1 91.0
espresso_temperature_2 90.0
espresso_temperature_3 89.0
espresso_temperature_steps_enabled 1
final_desired_shot_weight 36
flow_profile_decline 1.2
flow_profile_hold 2.2
maximum_flow 0
maximum_pressure 8.6
maximum_pressure_range_default 0.9
preinfusion_flow_rate 4
preinfusion_stop_pressure 1.5
preinfusion_time 12
pressure_end 4.0
profile_notes {A simple flow profile with a decline time of 0 and a stale three-step list that de1app ignores.}
profile_title {Flow for straight espresso (simple)}
settings_profile_type settings_2b
