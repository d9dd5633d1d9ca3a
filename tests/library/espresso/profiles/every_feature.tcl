advanced_shot {{exit_if 0 flow 0 max_flow_or_pressure 4.0 seconds 2.00 volume 0 transition fast exit_flow_under 0 temperature 93.5 weight 0.0 name {flat pressure} pressure 6.000000000000007 sensor coffee pump pressure exit_type pressure_under exit_flow_over 6 exit_pressure_over 11 max_flow_or_pressure_range 1.2 exit_pressure_under 0} {exit_if 1 flow 4.0 max_flow_or_pressure 0 seconds 8.00 volume 100 transition smooth exit_flow_under 0 temperature 93.0 name {fill: water, smooth} pressure 1 sensor water pump flow exit_type pressure_over exit_flow_over 6 exit_pressure_over 4.00 max_flow_or_pressure_range 0.6 exit_pressure_under 0} {exit_if 1 flow 0 seconds 30.00 volume 0 transition fast temperature 90.0 name {bloom {with braces}} pressure 6.0 sensor coffee pump flow exit_type pressure_under exit_pressure_under 2.20 exit_pressure_over 9 max_flow_or_pressure 0 max_flow_or_pressure_range 0.6} {exit_if 1 flow 2.2 seconds 12.75 volume 0 transition smooth temperature 92.25 name ramp pressure 9.0 sensor water pump pressure exit_type flow_over exit_flow_over 3.5 weight 4.0 max_flow_or_pressure 0.0 max_flow_or_pressure_range 1.2} {exit_if 1 flow 2.0 seconds 12.7 volume 0 transition fast temperature 92.0 name {flow under} pressure 8.0 sensor coffee pump pressure exit_type flow_under exit_flow_under 1.00 max_flow_or_pressure 3.3 max_flow_or_pressure_range 0.6} {exit_if 0 flow 2.0 seconds 127 volume 1023 transition smooth temperature 88 name {long "quoted" \{brace\}} pressure 0 sensor coffee pump flow exit_type flow_over exit_flow_over 3 max_flow_or_pressure 8.6 max_flow_or_pressure_range 0.9 weight 36.5}}
author "Jean S\u00e9nac"
beverage_type espresso
espresso_decline_time 30
espresso_hold_time 15
espresso_pressure 6.0
espresso_temperature 93.5
final_desired_shot_volume_advanced 0
final_desired_shot_volume_advanced_count_start 2
final_desired_shot_weight 36
final_desired_shot_weight_advanced 40
maximum_flow 0
profile_hide 0
profile_language en
profile_notes {Every step feature in one profile.
It has braces {inside {nested}} the notes, a backslash \ and
UTF-8 text: Sénac, 92 °C, 1–2 mL/s.}
profile_title {Every feature}
settings_profile_type settings_2c2
tank_desired_water_temperature 25
